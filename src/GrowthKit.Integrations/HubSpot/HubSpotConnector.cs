using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Integrations.Connections;
using GrowthKit.Integrations.WriteBack;
using GrowthKit.Model;
using Microsoft.Extensions.Options;

namespace GrowthKit.Integrations.HubSpot;

public sealed class HubSpotOptions
{
    public const string Section = "Integrations:HubSpot";

    /// <summary>Results per search page; HubSpot allows at most 200.</summary>
    public int PageSize { get; set; } = 200;

    /// <summary>One search returns at most this many results (HubSpot: 10,000); then it starts again from the last timestamp.</summary>
    public int SearchResultCap { get; set; } = 10_000;

    /// <summary>Records indexed late for search may carry a modification time before the cursor: each sync looks back this far.</summary>
    public TimeSpan OverlapWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Calls per 10 s of a private app (HubSpot's burst limit; 100 on most plans).</summary>
    public int BurstPer10Seconds { get; set; } = 100;

    /// <summary>Search calls per second (HubSpot: 5 per account).</summary>
    public int SearchPerSecond { get; set; } = 5;
}

/// <summary>
/// HubSpot through a private app's token (<c>Authorization: Bearer</c>). Companies and closed deals are
/// read with the CRM search API by <c>hs_lastmodifieddate</c>, ascending (its one sort rule), 200 a page
/// with <c>after</c> paging; a search ends at 10,000 results, so the connector starts a new search from
/// the last timestamp it saw (records of that instant come again and are skipped downstream). The
/// cursor is that timestamp (ms since the epoch); each sync starts an overlap window before it.
/// Primary contacts and deals' companies come from the v4 associations API.
/// </summary>
public sealed class HubSpotConnector(IHttpClientFactory http, CrmBudgets budgets, IOptions<HubSpotOptions> options) : ICrmConnector
{
    public const string Group = "growthkit";
    private static readonly string[] CompanyProperties =
        ["name", "domain", "industry", "numberofemployees", "annualrevenue", "country", "hs_lastmodifieddate"];
    private static readonly string[] ContactProperties = ["jobtitle", "hs_seniority", "job_function"];
    private static readonly string[] DealProperties =
        ["dealname", "amount", "closedate", "hs_is_closed", "hs_is_closed_won", "closed_lost_reason", "hs_lastmodifieddate"];

    // Properties already made in an account, so write-back checks them once per process.
    private readonly ConcurrentDictionary<string, HashSet<string>> _tierOptions = new();
    private HubSpotOptions Options => options.Value;

    public string Kind => CrmKinds.HubSpot;

    public async IAsyncEnumerable<CrmPage> CompaniesAsync(CrmAccess access, string? cursor, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (results, last) in SearchAsync(access, "companies", CompanyProperties, cursor, [], ct))
        {
            var contacts = await PrimaryContactsAsync(access, [.. results.Select(r => Id(r))], ct);
            var records = results.Select(r => MapCompany(r, contacts.GetValueOrDefault(Id(r)))).ToList();
            yield return new CrmPage(records, results.Count, records.Count(r => contacts.ContainsKey(r.Id.Split(':')[^1])), last);
        }
    }

    public async IAsyncEnumerable<CrmPage> DealsAsync(CrmAccess access, string? cursor, [EnumeratorCancellation] CancellationToken ct)
    {
        // hs_is_closed is a string property: "true" or "false".
        JsonObject[] closed = [new JsonObject { ["propertyName"] = "hs_is_closed", ["operator"] = "EQ", ["value"] = "true" }];
        await foreach (var (results, last) in SearchAsync(access, "deals", DealProperties, cursor, closed, ct))
        {
            var companies = await AssociationsAsync(access, "deals", "companies", [.. results.Select(r => Id(r))], ct);
            var records = results.Select(r => MapDeal(r, companies.GetValueOrDefault(Id(r)))).OfType<MappedRecord>().ToList();
            yield return new CrmPage(records, results.Count, 0, last);
        }
    }

    /// <summary>Pages of one object type modified since the cursor, with the timestamp (ms) to resume after each page.</summary>
    private async IAsyncEnumerable<(List<JsonObject> Results, string Cursor)> SearchAsync(CrmAccess access, string objectType,
        string[] properties, string? cursor, JsonObject[] moreFilters, [EnumeratorCancellation] CancellationToken ct)
    {
        var since = cursor is null ? 0L : Math.Max(0L, long.Parse(cursor, CultureInfo.InvariantCulture) - (long)Options.OverlapWindow.TotalMilliseconds);
        string? after = null;
        var seenSince = new HashSet<long>();
        while (true)
        {
            var filters = new JsonArray(new JsonObject
            {
                ["propertyName"] = "hs_lastmodifieddate", ["operator"] = "GTE", ["value"] = since.ToString(CultureInfo.InvariantCulture),
            });
            foreach (var filter in moreFilters) filters.Add(filter.DeepClone());
            var body = new JsonObject
            {
                ["filterGroups"] = new JsonArray(new JsonObject { ["filters"] = filters }),
                ["sorts"] = new JsonArray(new JsonObject { ["propertyName"] = "hs_lastmodifieddate", ["direction"] = "ASCENDING" }),
                ["properties"] = new JsonArray([.. properties.Select(p => (JsonNode)p)]),
                ["limit"] = Options.PageSize,
            };
            if (after is not null) body["after"] = after;

            await budgets.WaitAsync(access, "search", Options.SearchPerSecond, TimeSpan.FromSeconds(1), ct);
            var page = await PostAsync(access, $"crm/v3/objects/{objectType}/search", body, $"Searching {objectType}", ct);
            var results = page["results"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
            var last = results.Count > 0 ? Modified(results[^1]) : (long?)null;
            if (results.Count > 0) yield return (results, last!.Value.ToString(CultureInfo.InvariantCulture));

            var next = page["paging"]?["next"]?["after"]?.GetValue<string>();
            if (next is null) yield break;
            if (int.TryParse(next, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset + Options.PageSize > Options.SearchResultCap)
            {
                // The search's 10,000 results are used up: a new search from the last instant seen.
                if (last is null || !seenSince.Add(last.Value) || last.Value == since)
                {
                    throw new CrmException($"More than {Options.SearchResultCap} {objectType} share the modification time {since}; the search cannot page past them.");
                }
                since = last.Value;
                after = null;
                continue;
            }
            after = next;
        }
    }

    private static string Id(JsonObject result) => result["id"]!.GetValue<string>();

    private static string? Property(JsonObject result, string name) =>
        result["properties"]?[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    private static long Modified(JsonObject result) =>
        Property(result, "hs_lastmodifieddate") is { } text
            ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at.ToUnixTimeMilliseconds()
                : long.Parse(text, CultureInfo.InvariantCulture)
            : DateTimeOffset.TryParse(result["updatedAt"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var updated)
                ? updated.ToUnixTimeMilliseconds()
                : 0;

    public static string CompanyExternalId(string id) => $"{CrmKinds.HubSpot}:company:{id}";

    private static MappedRecord MapCompany(JsonObject company, JsonObject? contact)
    {
        var id = Id(company);
        var lead = new JsonObject
        {
            ["externalId"] = CompanyExternalId(id),
            ["company"] = Compact(new JsonObject
            {
                ["name"] = Property(company, "name"),
                ["domain"] = Property(company, "domain"),
                // HubSpot's industries are enum names (COMPUTER_SOFTWARE); the leads service's normaliser reads them as words.
                ["industry"] = Property(company, "industry")?.Replace('_', ' '),
                ["employeeCount"] = Number(Property(company, "numberofemployees")),
                ["annualRevenue"] = Number(Property(company, "annualrevenue")),
                ["country"] = Property(company, "country"),
            }),
        };
        if (contact is not null)
        {
            var mapped = Compact(new JsonObject
            {
                ["title"] = Property(contact, "jobtitle"),
                ["seniority"] = Property(contact, "hs_seniority"),
                ["department"] = Property(contact, "job_function"),
            });
            if (mapped.Count > 0) lead["contact"] = mapped;
        }
        return new MappedRecord(CompanyExternalId(id), System.Text.Json.JsonSerializer.SerializeToElement(lead), null);
    }

    private static MappedRecord? MapDeal(JsonObject deal, string? companyId)
    {
        var id = Id(deal);
        var dealId = $"{CrmKinds.HubSpot}:deal:{id}";
        if (Property(deal, "hs_is_closed") != "true") return null; // still open: not an outcome yet
        if (companyId is null) return new MappedRecord(dealId, null, "The deal is associated with no company.");
        var won = Property(deal, "hs_is_closed_won") == "true";
        var outcome = Compact(new JsonObject
        {
            ["dealId"] = dealId,
            ["externalId"] = CompanyExternalId(companyId),
            ["outcome"] = won ? "won" : "lost",
            ["amount"] = Number(Property(deal, "amount")),
            ["closedAt"] = Property(deal, "closedate"),
            ["reason"] = won ? null : Property(deal, "closed_lost_reason"),
        });
        return new MappedRecord(dealId, System.Text.Json.JsonSerializer.SerializeToElement(outcome), null);
    }

    private static JsonNode? Number(string? text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? JsonValue.Create(value) : null;

    private static JsonObject Compact(JsonObject node)
    {
        foreach (var key in node.Where(p => p.Value is null).Select(p => p.Key).ToList()) node.Remove(key);
        return node;
    }

    /// <summary>Each company's primary contact (association label "Primary"; else the first contact), read in batches.</summary>
    private async Task<Dictionary<string, JsonObject>> PrimaryContactsAsync(CrmAccess access, IReadOnlyList<string> companyIds, CancellationToken ct)
    {
        var contactOf = await AssociationsAsync(access, "companies", "contacts", companyIds, ct);
        var contacts = new Dictionary<string, JsonObject>();
        foreach (var batch in contactOf.Values.Distinct().Chunk(100))
        {
            var body = new JsonObject
            {
                ["properties"] = new JsonArray([.. ContactProperties.Select(p => (JsonNode)p)]),
                ["inputs"] = new JsonArray([.. batch.Select(id => (JsonNode)new JsonObject { ["id"] = id })]),
            };
            var answer = await PostAsync(access, "crm/v3/objects/contacts/batch/read", body, "Reading contacts", ct);
            foreach (var contact in answer["results"]?.AsArray().OfType<JsonObject>() ?? []) contacts[Id(contact)] = contact;
        }
        return contactOf.Where(c => contacts.ContainsKey(c.Value)).ToDictionary(c => c.Key, c => contacts[c.Value]);
    }

    /// <summary>For each object, the associated object of the other type: the one labelled Primary, else the first.</summary>
    private async Task<Dictionary<string, string>> AssociationsAsync(CrmAccess access, string from, string to,
        IReadOnlyList<string> ids, CancellationToken ct)
    {
        var found = new Dictionary<string, string>();
        foreach (var batch in ids.Chunk(1000))
        {
            var body = new JsonObject { ["inputs"] = new JsonArray([.. batch.Select(id => (JsonNode)new JsonObject { ["id"] = id })]) };
            var answer = await PostAsync(access, $"crm/v4/associations/{from}/{to}/batch/read", body, $"Reading {from}→{to} associations", ct);
            foreach (var result in answer["results"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                var fromId = result["from"]?["id"]?.ToString();
                var targets = result["to"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
                var primary = targets.FirstOrDefault(t => t["associationTypes"]?.AsArray().OfType<JsonObject>()
                    .Any(a => string.Equals(a["label"]?.GetValue<string>(), "Primary", StringComparison.OrdinalIgnoreCase)) == true)
                    ?? targets.FirstOrDefault();
                if (fromId is not null && primary?["toObjectId"] is { } target) found[fromId] = target.ToString();
            }
        }
        return found;
    }

    public async Task<IReadOnlyList<SyncError>> WriteBackAsync(CrmAccess access, IReadOnlyList<RecordedScore> scores, CancellationToken ct)
    {
        var prefix = CompanyExternalId("");
        var latest = WriteBackValues.LatestPerLead(scores.Where(s => s.ExternalId.StartsWith(prefix, StringComparison.Ordinal)));
        if (latest.Count == 0) return [];
        await EnsurePropertiesAsync(access, latest.Select(s => s.Tier), ct);

        var errors = new List<SyncError>();
        foreach (var batch in latest.Chunk(100))
        {
            var body = new JsonObject
            {
                ["inputs"] = new JsonArray([.. batch.Select(s => (JsonNode)new JsonObject
                {
                    ["id"] = s.ExternalId[prefix.Length..],
                    ["properties"] = new JsonObject
                    {
                        ["growthkit_score"] = s.Score.ToString(CultureInfo.InvariantCulture),
                        ["growthkit_tier"] = s.Tier,
                        ["growthkit_reasons"] = WriteBackValues.Reasons(s),
                    },
                })]),
            };
            try
            {
                await PostAsync(access, "crm/v3/objects/companies/batch/update", body, "Updating companies", ct);
            }
            catch (CrmException e) when (e.Status is not null && (int)e.Status < 500 && e.Status != HttpStatusCode.TooManyRequests)
            {
                errors.AddRange(batch.Select(s => new SyncError(s.ExternalId, e.Message)));
            }
        }
        return errors;
    }

    /// <summary>The property group and the three properties, made when missing; new tiers added to the enumeration.</summary>
    private async Task EnsurePropertiesAsync(CrmAccess access, IEnumerable<string> tiers, CancellationToken ct)
    {
        var wanted = tiers.Distinct().ToList();
        if (_tierOptions.TryGetValue(access.BudgetKey, out var known) && wanted.All(known.Contains)) return;

        if (await GetAsync(access, $"crm/v3/properties/companies/groups/{Group}", ct) is null)
        {
            await PostAsync(access, "crm/v3/properties/companies/groups",
                new JsonObject { ["name"] = Group, ["label"] = "GrowthKit", ["displayOrder"] = -1 }, "Creating the property group", ct);
        }
        if (await GetAsync(access, "crm/v3/properties/companies/growthkit_score", ct) is null)
        {
            await PostAsync(access, "crm/v3/properties/companies", Property("growthkit_score", "GrowthKit score", "number", "number"),
                "Creating growthkit_score", ct);
        }
        if (await GetAsync(access, "crm/v3/properties/companies/growthkit_reasons", ct) is null)
        {
            await PostAsync(access, "crm/v3/properties/companies", Property("growthkit_reasons", "GrowthKit reasons", "string", "textarea"),
                "Creating growthkit_reasons", ct);
        }

        var allTiers = new[] { TierNames.A, TierNames.B, TierNames.C, TierNames.D, TierNames.Disqualified }.Union(wanted).ToList();
        var tier = await GetAsync(access, "crm/v3/properties/companies/growthkit_tier", ct);
        if (tier is null)
        {
            var created = Property("growthkit_tier", "GrowthKit tier", "enumeration", "select");
            created["options"] = TierOptions(allTiers);
            await PostAsync(access, "crm/v3/properties/companies", created, "Creating growthkit_tier", ct);
            _tierOptions[access.BudgetKey] = [.. allTiers];
            return;
        }
        var present = tier["options"]?.AsArray().OfType<JsonObject>().Select(o => o["value"]?.GetValue<string>()).OfType<string>().ToHashSet() ?? [];
        if (!wanted.All(present.Contains))
        {
            await SendAsync(access, HttpMethod.Patch, "crm/v3/properties/companies/growthkit_tier",
                new JsonObject { ["options"] = TierOptions(present.Union(allTiers)) }, "Adding tiers to growthkit_tier", ct);
            present.UnionWith(allTiers);
        }
        _tierOptions[access.BudgetKey] = present;

        static JsonArray TierOptions(IEnumerable<string> values) =>
            new([.. values.Select((v, i) => (JsonNode)new JsonObject { ["label"] = v, ["value"] = v, ["displayOrder"] = i, ["hidden"] = false })]);
    }

    private static JsonObject Property(string name, string label, string type, string fieldType) => new()
    {
        ["name"] = name, ["label"] = label, ["type"] = type, ["fieldType"] = fieldType, ["groupName"] = Group,
    };

    private Task<JsonObject> PostAsync(CrmAccess access, string path, JsonObject body, string what, CancellationToken ct) =>
        SendAsync(access, HttpMethod.Post, path, body, what, ct)!;

    /// <summary>The object at <paramref name="path"/>, or null when HubSpot answers 404.</summary>
    private Task<JsonObject?> GetAsync(CrmAccess access, string path, CancellationToken ct) =>
        SendAsync(access, HttpMethod.Get, path, null, $"Reading {path}", ct, missingIsNull: true);

    private async Task<JsonObject?> SendAsync(CrmAccess access, HttpMethod method, string path, JsonObject? body, string what,
        CancellationToken ct, bool missingIsNull = false)
    {
        await budgets.WaitAsync(access, "burst", Options.BurstPer10Seconds, TimeSpan.FromSeconds(10), ct);
        using var request = new HttpRequestMessage(method, new Uri(access.BaseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access.Token);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await http.CreateClient(Kind).SendAsync(request, ct);
        if (missingIsNull && response.StatusCode == HttpStatusCode.NotFound) return null;
        await CrmHttp.EnsureSuccessAsync(response, what, ct);
        return response.Content.Headers.ContentLength == 0 ? [] : await response.Content.ReadFromJsonAsync<JsonObject>(ct) ?? [];
    }
}
