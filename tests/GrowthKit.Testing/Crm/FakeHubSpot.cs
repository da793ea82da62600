using System.Globalization;
using System.Text.Json.Nodes;
using WireMock;

namespace GrowthKit.Testing.Crm;

/// <summary>
/// HubSpot's CRM API as documented, for the calls the connector makes: the search API (filters, one
/// sort, <c>after</c> paging, at most 200 a page, 400 past the 10,000th result), v4 association batch
/// reads, contact batch reads, company properties and groups, and company batch updates (at most 100).
/// Answers 401 to a wrong token and 429 (<c>Retry-After</c>) when told to.
/// </summary>
public sealed class FakeHubSpot : FakeCrm
{
    public const string Token = "pat-na1-11111111-2222-3333-4444-555555555555";
    public const int SearchCap = 10_000;

    public sealed record Record(string Id, Dictionary<string, string?> Properties, long Modified);

    public Dictionary<string, Record> Companies { get; } = [];
    public Dictionary<string, Record> Contacts { get; } = [];
    public Dictionary<string, Record> Deals { get; } = [];
    public Dictionary<string, string> CompanyContact { get; } = [];
    public Dictionary<string, string> DealCompany { get; } = [];
    public Dictionary<string, JsonObject> Properties { get; } = [];
    public bool GroupExists { get; private set; }
    public Dictionary<string, Dictionary<string, string?>> CompanyUpdates { get; } = [];

    /// <summary>Search offsets (<c>after</c>) answered 500 (a CRM failing in the middle of a sync).</summary>
    public HashSet<int> FailingOffsets { get; } = [];

    private long _clock = DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>A modification time after every earlier one (ms).</summary>
    public long Tick(long by = 1000) => _clock += by;

    public Record AddCompany(string id, string name, string? industry = "COMPUTER_SOFTWARE", int? employees = 120,
        string? country = "Germany", long? modified = null)
    {
        var at = modified ?? Tick();
        var record = new Record(id, new Dictionary<string, string?>
        {
            ["name"] = name, ["domain"] = $"{id}.example", ["industry"] = industry,
            ["numberofemployees"] = employees?.ToString(CultureInfo.InvariantCulture), ["annualrevenue"] = "2500000",
            ["country"] = country, ["hs_object_id"] = id,
        }, at);
        Companies[id] = record;
        return record;
    }

    public void Touch(string companyId, string property, string? value)
    {
        var company = Companies[companyId];
        company.Properties[property] = value;
        Companies[companyId] = company with { Modified = Tick() };
    }

    public void AddContact(string companyId, string contactId, string title)
    {
        Contacts[contactId] = new Record(contactId, new Dictionary<string, string?> { ["jobtitle"] = title, ["hs_seniority"] = "director" }, Tick());
        CompanyContact[companyId] = contactId;
    }

    public void AddDeal(string id, string companyId, bool closed, bool won, decimal amount, string? lostReason = null)
    {
        Deals[id] = new Record(id, new Dictionary<string, string?>
        {
            ["dealname"] = $"Deal {id}", ["amount"] = amount.ToString(CultureInfo.InvariantCulture),
            ["closedate"] = "2026-01-15T10:00:00.000Z", ["hs_is_closed"] = closed ? "true" : "false",
            ["hs_is_closed_won"] = won ? "true" : "false", ["closed_lost_reason"] = lostReason,
        }, Tick());
        DealCompany[id] = companyId;
    }

    protected override ResponseMessage RateLimited() => Json(429, new
    {
        status = "error", message = "You have reached your secondly limit.", errorType = "RATE_LIMIT",
        correlationId = Guid.NewGuid(), policyName = "SECONDLY",
    }, ("Retry-After", RetryAfterSeconds.ToString(CultureInfo.InvariantCulture)));

    private static ResponseMessage Error(int status, string category, string message) =>
        Json(status, new { status = "error", message, correlationId = Guid.NewGuid(), category });

    protected override ResponseMessage Answer(CrmCall call, IReadOnlyDictionary<string, string> headers)
    {
        if (!headers.TryGetValue("Authorization", out var auth) || auth != $"Bearer {Token}")
            return Error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.");

        var path = call.Path;
        const string propertiesPath = "/crm/v3/properties/companies";
        return (call.Method, path) switch
        {
            ("POST", "/crm/v3/objects/companies/search") => Search(Companies, call.Body!.AsObject()),
            ("POST", "/crm/v3/objects/deals/search") => Search(Deals, call.Body!.AsObject()),
            ("POST", "/crm/v4/associations/companies/contacts/batch/read") => Associations(call.Body!, CompanyContact),
            ("POST", "/crm/v4/associations/deals/companies/batch/read") => Associations(call.Body!, DealCompany),
            ("POST", "/crm/v3/objects/contacts/batch/read") => BatchRead(call.Body!),
            ("GET", propertiesPath + "/groups/growthkit") => GroupExists
                ? Json(200, new { name = "growthkit", label = "GrowthKit", displayOrder = -1, archived = false })
                : Error(404, "OBJECT_NOT_FOUND", "Unable to find property group growthkit"),
            ("POST", propertiesPath + "/groups") => CreateGroup(),
            ("POST", propertiesPath) => CreateProperty(call.Body!.AsObject()),
            ("GET", _) when path.StartsWith(propertiesPath + "/", StringComparison.Ordinal) =>
                Properties.TryGetValue(path[(propertiesPath.Length + 1)..], out var property)
                    ? Json(200, property)
                    : Error(404, "OBJECT_NOT_FOUND", $"Unable to find property {path[(propertiesPath.Length + 1)..]}"),
            ("PATCH", _) when path.StartsWith(propertiesPath + "/", StringComparison.Ordinal) =>
                PatchProperty(path[(propertiesPath.Length + 1)..], call.Body!.AsObject()),
            ("POST", "/crm/v3/objects/companies/batch/update") => BatchUpdate(call.Body!.AsObject()),
            _ => Error(404, "OBJECT_NOT_FOUND", $"No route {call.Method} {path}"),
        };
    }

    private ResponseMessage Search(Dictionary<string, Record> records, JsonObject body)
    {
        var limit = body["limit"]?.GetValue<int>() ?? 10;
        var after = int.Parse(body["after"]?.GetValue<string>() ?? "0", CultureInfo.InvariantCulture);
        if (limit > 200) return Error(400, "VALIDATION_ERROR", "limit must be at most 200");
        if (after + limit > SearchCap) return Error(400, "VALIDATION_ERROR", "Search results are limited to 10,000 records.");
        if (body["sorts"]?.AsArray().Count > 1) return Error(400, "VALIDATION_ERROR", "Only one sort is allowed.");
        if (FailingOffsets.Contains(after)) return Error(500, "INTERNAL_ERROR", "Something went wrong.");

        var filters = body["filterGroups"]![0]!["filters"]!.AsArray().Select(f => f!.AsObject()).ToList();
        var matching = records.Values.Where(r => filters.All(f =>
        {
            var name = f["propertyName"]!.GetValue<string>();
            var value = f["value"]!.GetValue<string>();
            return (name, f["operator"]!.GetValue<string>()) switch
            {
                ("hs_lastmodifieddate", "GTE") => r.Modified >= long.Parse(value, CultureInfo.InvariantCulture),
                (_, "EQ") => r.Properties.GetValueOrDefault(name) == value,
                _ => throw new NotSupportedException($"Filter {f.ToJsonString()}"),
            };
        })).OrderBy(r => r.Modified).ThenBy(r => long.Parse(r.Id, CultureInfo.InvariantCulture)).ToList();

        var page = matching.Skip(after).Take(limit).ToList();
        var wanted = body["properties"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        var answer = new JsonObject
        {
            ["total"] = matching.Count,
            ["results"] = new JsonArray([.. page.Select(r => (JsonNode)Result(r, wanted))]),
        };
        if (after + limit < matching.Count)
        {
            answer["paging"] = new JsonObject
            {
                ["next"] = new JsonObject { ["after"] = (after + limit).ToString(CultureInfo.InvariantCulture), ["link"] = "?after=" + (after + limit) },
            };
        }
        return Json(200, answer);
    }

    private static JsonObject Result(Record r, IEnumerable<string> wanted)
    {
        var modified = DateTimeOffset.FromUnixTimeMilliseconds(r.Modified).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var properties = new JsonObject();
        foreach (var name in wanted) properties[name] = name == "hs_lastmodifieddate" ? modified : r.Properties.GetValueOrDefault(name);
        return new JsonObject
        {
            ["id"] = r.Id, ["properties"] = properties, ["createdAt"] = "2025-06-01T00:00:00.000Z", ["updatedAt"] = modified, ["archived"] = false,
        };
    }

    private static ResponseMessage Associations(JsonNode body, Dictionary<string, string> links)
    {
        var results = new JsonArray();
        foreach (var input in body["inputs"]!.AsArray())
        {
            var id = input!["id"]!.GetValue<string>();
            if (!links.TryGetValue(id, out var target)) continue;
            results.Add(new JsonObject
            {
                ["from"] = new JsonObject { ["id"] = id },
                ["to"] = new JsonArray(new JsonObject
                {
                    ["toObjectId"] = long.Parse(target, CultureInfo.InvariantCulture),
                    ["associationTypes"] = new JsonArray(
                        new JsonObject { ["category"] = "HUBSPOT_DEFINED", ["typeId"] = 2, ["label"] = "Primary" },
                        new JsonObject { ["category"] = "HUBSPOT_DEFINED", ["typeId"] = 280, ["label"] = null }),
                }),
            });
        }
        return Json(200, new JsonObject { ["status"] = "COMPLETE", ["results"] = results, ["startedAt"] = "2026-01-01T00:00:00Z" });
    }

    private ResponseMessage BatchRead(JsonNode body)
    {
        var wanted = body["properties"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        var inputs = body["inputs"]!.AsArray();
        if (inputs.Count > 100) return Error(400, "VALIDATION_ERROR", "At most 100 inputs.");
        var results = inputs.Select(i => Contacts.GetValueOrDefault(i!["id"]!.GetValue<string>())).OfType<Record>()
            .Select(r => (JsonNode)Result(r, wanted));
        return Json(200, new JsonObject { ["status"] = "COMPLETE", ["results"] = new JsonArray([.. results]) });
    }

    private ResponseMessage CreateGroup()
    {
        if (GroupExists) return Error(409, "OBJECT_ALREADY_EXISTS", "Property group growthkit already exists.");
        GroupExists = true;
        return Json(201, new { name = "growthkit", label = "GrowthKit", displayOrder = -1, archived = false });
    }

    private ResponseMessage CreateProperty(JsonObject body)
    {
        var name = body["name"]!.GetValue<string>();
        if (Properties.ContainsKey(name)) return Error(409, "OBJECT_ALREADY_EXISTS", $"Property {name} already exists.");
        if (body["groupName"]?.GetValue<string>() is not { } group || (group == "growthkit" && !GroupExists))
            return Error(400, "VALIDATION_ERROR", "groupName does not exist.");
        Properties[name] = body;
        return Json(201, body);
    }

    private ResponseMessage PatchProperty(string name, JsonObject body)
    {
        if (!Properties.TryGetValue(name, out var property)) return Error(404, "OBJECT_NOT_FOUND", $"Unable to find property {name}");
        foreach (var (key, value) in body) property[key] = value?.DeepClone();
        return Json(200, property);
    }

    private ResponseMessage BatchUpdate(JsonObject body)
    {
        var inputs = body["inputs"]!.AsArray();
        if (inputs.Count > 100) return Error(400, "VALIDATION_ERROR", "At most 100 inputs.");
        foreach (var input in inputs)
        {
            var id = input!["id"]!.GetValue<string>();
            if (!Companies.ContainsKey(id)) return Error(400, "VALIDATION_ERROR", $"Company {id} does not exist.");
            foreach (var (name, _) in input["properties"]!.AsObject())
            {
                if (!Properties.ContainsKey(name)) return Error(400, "VALIDATION_ERROR", $"Property {name} does not exist.");
            }
            var tier = input["properties"]!["growthkit_tier"]?.GetValue<string>();
            if (tier is not null && Properties["growthkit_tier"]["options"]!.AsArray().All(o => o!["value"]!.GetValue<string>() != tier))
                return Error(400, "VALIDATION_ERROR", $"{tier} is not an option of growthkit_tier.");
        }
        foreach (var input in inputs)
        {
            CompanyUpdates[input!["id"]!.GetValue<string>()] = input["properties"]!.AsObject()
                .ToDictionary(p => p.Key, p => p.Value?.ToString());
        }
        return Json(200, new JsonObject
        {
            ["status"] = "COMPLETE",
            ["results"] = new JsonArray([.. inputs.Select(i => (JsonNode)new JsonObject { ["id"] = i!["id"]!.GetValue<string>(), ["properties"] = i["properties"]!.DeepClone() })]),
        });
    }
}
