using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Integrations.Connections;
using GrowthKit.Integrations.WriteBack;
using Microsoft.Extensions.Options;

namespace GrowthKit.Integrations.Pipedrive;

public sealed class PipedriveOptions
{
    public const string Section = "Integrations:Pipedrive";

    /// <summary>Items per page of the v2 list endpoints (at most 500).</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>Each sync looks back this far before the cursor (timestamps have whole seconds).</summary>
    public TimeSpan OverlapWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Calls per 2 s (Pipedrive's burst window; the lowest plan allows 20).</summary>
    public int BurstPer2Seconds { get; set; } = 20;

    /// <summary>Whether each organization's first person is read as the lead's contact (one call per organization).</summary>
    public bool ReadContacts { get; set; } = true;
}

/// <summary>
/// Pipedrive through an API token (<c>x-api-token</c>). Organizations and deals come from the v2 list
/// endpoints, by <c>update_time</c> ascending from <c>updated_since</c>, with cursor paging (<c>limit</c> ≤
/// 500, <c>additional_data.next_cursor</c>); the sync's cursor is the last update time seen. Company facts
/// Pipedrive has no standard field for (industry, employees, revenue, website) are read from custom
/// organization fields of those names, whose keys are per-account hashes found through
/// <c>/v1/organizationFields</c> — as are the write-back fields, created when missing and written with
/// <c>PATCH /api/v2/organizations/{id}</c>. Budgets: <c>x-ratelimit-remaining</c>/<c>-reset</c> pause the
/// calls, <c>x-daily-requests-left</c> of 0 ends the sync.
/// </summary>
public sealed class PipedriveConnector(IHttpClientFactory http, CrmBudgets budgets, IOptions<PipedriveOptions> options) : ICrmConnector
{
    private static readonly Dictionary<string, string[]> ReadFields = new()
    {
        ["industry"] = ["industry", "sector"],
        ["employeeCount"] = ["employees", "number of employees", "employee count", "company size"],
        ["annualRevenue"] = ["annual revenue", "revenue"],
        ["domain"] = ["website", "domain", "web"],
    };

    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _writeKeys = new();
    private PipedriveOptions Options => options.Value;

    public string Kind => CrmKinds.Pipedrive;

    public static string CompanyExternalId(long id) => $"{CrmKinds.Pipedrive}:company:{id}";

    public async IAsyncEnumerable<CrmPage> CompaniesAsync(CrmAccess access, string? cursor, [EnumeratorCancellation] CancellationToken ct)
    {
        var fields = await OrganizationFieldsAsync(access, ct);
        var read = ReadFields.ToDictionary(f => f.Key, f => fields.FirstOrDefault(o =>
            f.Value.Contains(o["name"]?.GetValue<string>()?.Trim().ToLowerInvariant())));
        await foreach (var (items, last) in ListAsync(access, "api/v2/organizations", cursor, ct))
        {
            var records = new List<MappedRecord>();
            var contacts = 0;
            foreach (var org in items)
            {
                var contact = Options.ReadContacts ? await FirstPersonAsync(access, org["id"]!.GetValue<long>(), ct) : null;
                if (contact is not null) contacts++;
                records.Add(MapOrganization(org, read, contact));
            }
            yield return new CrmPage(records, items.Count, contacts, last);
        }
    }

    public async IAsyncEnumerable<CrmPage> DealsAsync(CrmAccess access, string? cursor, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (items, last) in ListAsync(access, "api/v2/deals", cursor, ct))
        {
            yield return new CrmPage([.. items.Select(MapDeal).OfType<MappedRecord>()], items.Count, 0, last);
        }
    }

    private async IAsyncEnumerable<(List<JsonObject> Items, string Cursor)> ListAsync(CrmAccess access, string path, string? cursor,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var since = cursor is null ? (DateTimeOffset?)null
            : DateTimeOffset.Parse(cursor, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) - Options.OverlapWindow;
        string? next = null;
        do
        {
            var query = $"{path}?limit={Options.PageSize}&sort_by=update_time&sort_direction=asc";
            if (since is { } s) query += "&updated_since=" + Uri.EscapeDataString(s.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            if (next is not null) query += "&cursor=" + Uri.EscapeDataString(next);
            var page = (await SendAsync(access, HttpMethod.Get, query, null, $"Listing {path}", ct))!;
            var items = page["data"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
            if (items.Count > 0) yield return (items, items[^1]["update_time"]?.GetValue<string>() ?? cursor ?? "");
            next = page["additional_data"]?["next_cursor"]?.GetValue<string>();
        }
        while (next is not null);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s.Trim() : null;

    private static MappedRecord MapOrganization(JsonObject org, Dictionary<string, JsonObject?> fields, JsonObject? person)
    {
        var id = org["id"]!.GetValue<long>();
        var custom = org["custom_fields"] as JsonObject;
        JsonNode? Custom(string name)
        {
            if (fields[name] is not { } field || custom?[field["key"]!.GetValue<string>()] is not { } value) return null;
            // An option field holds the option's id; the lead wants its label.
            var options = field["options"]?.AsArray().OfType<JsonObject>().ToList();
            if (options is { Count: > 0 } && value is JsonValue raw)
            {
                var option = options.FirstOrDefault(o => o["id"]?.ToString() == raw.ToString());
                return option?["label"]?.DeepClone();
            }
            return value is JsonObject obj ? obj["value"]?.DeepClone() : value.DeepClone();
        }

        var company = new JsonObject
        {
            ["name"] = Text(org["name"]),
            ["domain"] = Custom("domain"),
            ["industry"] = Custom("industry"),
            ["employeeCount"] = Custom("employeeCount"),
            ["annualRevenue"] = Custom("annualRevenue"),
            ["country"] = Text(org["address"]?["country"]),
        };
        var lead = new JsonObject { ["externalId"] = CompanyExternalId(id), ["company"] = Compact(company) };
        if (Text(person?["job_title"]) is { } title) lead["contact"] = new JsonObject { ["title"] = title };
        return new MappedRecord(CompanyExternalId(id), System.Text.Json.JsonSerializer.SerializeToElement(lead), null);
    }

    private static MappedRecord? MapDeal(JsonObject deal)
    {
        var status = Text(deal["status"]);
        if (status is not ("won" or "lost")) return null; // open or deleted: not an outcome
        var dealId = $"{CrmKinds.Pipedrive}:deal:{deal["id"]}";
        if (deal["org_id"] is not JsonValue orgId) return new MappedRecord(dealId, null, "The deal belongs to no organization.");
        var won = status == "won";
        var outcome = Compact(new JsonObject
        {
            ["dealId"] = dealId,
            ["externalId"] = CompanyExternalId(orgId.GetValue<long>()),
            ["outcome"] = status,
            ["amount"] = deal["value"]?.DeepClone(),
            ["closedAt"] = Text(won ? deal["won_time"] : deal["lost_time"]),
            ["reason"] = won ? null : Text(deal["lost_reason"]),
        });
        return new MappedRecord(dealId, System.Text.Json.JsonSerializer.SerializeToElement(outcome), null);
    }

    private static JsonObject Compact(JsonObject node)
    {
        foreach (var key in node.Where(p => p.Value is null).Select(p => p.Key).ToList()) node.Remove(key);
        return node;
    }

    private async Task<JsonObject?> FirstPersonAsync(CrmAccess access, long orgId, CancellationToken ct)
    {
        var page = await SendAsync(access, HttpMethod.Get,
            $"api/v2/persons?org_id={orgId}&limit=1&sort_by=add_time&sort_direction=asc", null, "Listing persons", ct);
        return page?["data"]?.AsArray().OfType<JsonObject>().FirstOrDefault();
    }

    private async Task<List<JsonObject>> OrganizationFieldsAsync(CrmAccess access, CancellationToken ct)
    {
        var fields = new List<JsonObject>();
        var start = 0;
        while (true)
        {
            var page = (await SendAsync(access, HttpMethod.Get, $"v1/organizationFields?start={start}&limit=500", null,
                "Listing organization fields", ct))!;
            fields.AddRange(page["data"]?.AsArray().OfType<JsonObject>() ?? []);
            var pagination = page["additional_data"]?["pagination"];
            if (pagination?["more_items_in_collection"]?.GetValue<bool>() != true) return fields;
            start = pagination["next_start"]!.GetValue<int>();
        }
    }

    public async Task<IReadOnlyList<SyncError>> WriteBackAsync(CrmAccess access, IReadOnlyList<RecordedScore> scores, CancellationToken ct)
    {
        var prefix = $"{CrmKinds.Pipedrive}:company:";
        var latest = WriteBackValues.LatestPerLead(scores.Where(s => s.ExternalId.StartsWith(prefix, StringComparison.Ordinal)));
        if (latest.Count == 0) return [];
        var keys = await WriteKeysAsync(access, ct);
        var errors = new List<SyncError>();
        foreach (var score in latest)
        {
            var body = new JsonObject
            {
                ["custom_fields"] = new JsonObject
                {
                    [keys[WriteBackValues.ScoreField]] = score.Score,
                    [keys[WriteBackValues.TierField]] = score.Tier,
                    [keys[WriteBackValues.ReasonsField]] = WriteBackValues.Reasons(score),
                },
            };
            try
            {
                await SendAsync(access, HttpMethod.Patch, $"api/v2/organizations/{score.ExternalId[prefix.Length..]}", body, "Updating an organization", ct);
            }
            catch (CrmException e) when (e.Status is not null && (int)e.Status < 500 && e.Status != HttpStatusCode.TooManyRequests)
            {
                errors.Add(new SyncError(score.ExternalId, e.Message));
            }
        }
        return errors;
    }

    /// <summary>The per-account keys of the write-back fields, each created when no organization field has its name.</summary>
    private async Task<Dictionary<string, string>> WriteKeysAsync(CrmAccess access, CancellationToken ct)
    {
        if (_writeKeys.TryGetValue(access.BudgetKey, out var cached)) return cached;
        var fields = await OrganizationFieldsAsync(access, ct);
        var keys = new Dictionary<string, string>();
        foreach (var (name, type) in new[] { (WriteBackValues.ScoreField, "double"), (WriteBackValues.TierField, "varchar"), (WriteBackValues.ReasonsField, "text") })
        {
            var field = fields.FirstOrDefault(f => f["name"]?.GetValue<string>() == name);
            if (field is null)
            {
                var created = await SendAsync(access, HttpMethod.Post, "v1/organizationFields",
                    new JsonObject { ["name"] = name, ["field_type"] = type }, $"Creating the field {name}", ct);
                field = created?["data"] as JsonObject ?? throw new CrmException($"Creating the field {name}: no field in the answer.");
            }
            keys[name] = field["key"]!.GetValue<string>();
        }
        _writeKeys[access.BudgetKey] = keys;
        return keys;
    }

    private async Task<JsonObject?> SendAsync(CrmAccess access, HttpMethod method, string path, JsonObject? body, string what, CancellationToken ct)
    {
        await budgets.WaitAsync(access, "burst", Options.BurstPer2Seconds, TimeSpan.FromSeconds(2), ct);
        using var request = new HttpRequestMessage(method, new Uri(access.BaseUrl, path));
        request.Headers.Add("x-api-token", access.Token);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await http.CreateClient(Kind).SendAsync(request, ct);
        await CrmHttp.EnsureSuccessAsync(response, what, ct);
        if (CrmHttp.Seconds(response, "x-daily-requests-left") is { TotalSeconds: <= 0 })
            throw new CrmException("Pipedrive's daily request budget of this account is used up; the next sync continues from here.");
        // The burst budget is spent: wait for its window to reset rather than meet a 429.
        if (CrmHttp.Seconds(response, "x-ratelimit-remaining") is { TotalSeconds: <= 0 } && CrmHttp.Seconds(response, "x-ratelimit-reset") is { } reset)
            await Task.Delay(reset > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : reset, ct);
        return await response.Content.ReadFromJsonAsync<JsonObject>(ct);
    }
}
