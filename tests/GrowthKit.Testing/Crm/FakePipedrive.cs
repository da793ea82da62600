using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using WireMock;

namespace GrowthKit.Testing.Crm;

/// <summary>
/// Pipedrive's API as documented, for the calls the connector makes: v2 organizations, persons and
/// deals lists (<c>updated_since</c>, <c>sort_by=update_time</c>, <c>limit</c> ≤ 500, opaque cursors in
/// <c>additional_data.next_cursor</c>), v1 organization fields (offset paging; keys are per-account hashes),
/// and <c>PATCH /api/v2/organizations/{id}</c> with <c>custom_fields</c>. Every answer carries the
/// <c>x-ratelimit-*</c> headers; 429 when told to.
/// </summary>
public sealed class FakePipedrive : FakeCrm
{
    public const string Token = "0123456789abcdef0123456789abcdef01234567";

    private DateTimeOffset _clock = DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture);

    public Dictionary<long, JsonObject> Organizations { get; } = [];
    public Dictionary<long, JsonObject> Persons { get; } = [];
    public Dictionary<long, JsonObject> Deals { get; } = [];
    public List<JsonObject> OrganizationFields { get; } = [];

    /// <summary>The burst budget left: the next answer says 0 remaining with this reset (seconds) when set.</summary>
    public int? ExhaustBudgetWithReset { get; set; }

    public FakePipedrive()
    {
        OrganizationFields.Add(new JsonObject { ["id"] = 1, ["key"] = "name", ["name"] = "Name", ["field_type"] = "varchar" });
        OrganizationFields.Add(new JsonObject
        {
            ["id"] = 4001, ["key"] = "7f3a1c9d2e4b5a6c8d0e1f2a3b4c5d6e7f8a9b0c", ["name"] = "Industry", ["field_type"] = "enum",
            ["options"] = new JsonArray(new JsonObject { ["id"] = 31, ["label"] = "Logistics" }, new JsonObject { ["id"] = 32, ["label"] = "Retail" }),
        });
        OrganizationFields.Add(new JsonObject { ["id"] = 4002, ["key"] = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", ["name"] = "Employees", ["field_type"] = "double" });
    }

    public string IndustryKey => OrganizationFields[1]["key"]!.GetValue<string>();
    public string EmployeesKey => OrganizationFields[2]["key"]!.GetValue<string>();

    private string Tick() => (_clock = _clock.AddSeconds(1)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public void AddOrganization(long id, string name, int industryOption, int employees)
    {
        Organizations[id] = new JsonObject
        {
            ["id"] = id, ["name"] = name, ["owner_id"] = 1, ["add_time"] = "2025-06-01T00:00:00Z", ["update_time"] = Tick(),
            ["address"] = new JsonObject { ["value"] = "Berlin, Germany", ["country"] = "Germany" },
            ["custom_fields"] = new JsonObject { [IndustryKey] = industryOption, [EmployeesKey] = employees },
        };
    }

    public void AddPerson(long id, long orgId, string jobTitle) =>
        Persons[id] = new JsonObject { ["id"] = id, ["name"] = $"Person {id}", ["org_id"] = orgId, ["job_title"] = jobTitle, ["add_time"] = Tick(), ["update_time"] = Tick() };

    public void AddDeal(long id, long? orgId, string status, decimal value, string? lostReason = null) =>
        Deals[id] = new JsonObject
        {
            ["id"] = id, ["title"] = $"Deal {id}", ["org_id"] = orgId, ["status"] = status, ["value"] = value, ["currency"] = "EUR",
            ["won_time"] = status == "won" ? "2026-01-10T09:00:00Z" : null, ["lost_time"] = status == "lost" ? "2026-01-11T09:00:00Z" : null,
            ["lost_reason"] = lostReason, ["update_time"] = Tick(),
        };

    protected override ResponseMessage RateLimited() =>
        Json(429, new { success = false, error = "Request over limit", errorCode = 429 },
            ("x-ratelimit-limit", "20"), ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1"));

    private ResponseMessage Ok(JsonNode body)
    {
        var remaining = ExhaustBudgetWithReset is null ? "19" : "0";
        var reset = (ExhaustBudgetWithReset ?? 2).ToString(CultureInfo.InvariantCulture);
        ExhaustBudgetWithReset = null;
        return Json(200, body, ("x-ratelimit-limit", "20"), ("x-ratelimit-remaining", remaining), ("x-ratelimit-reset", reset),
            ("x-daily-requests-left", "9000"));
    }

    private static ResponseMessage Error(int status, string message) => Json(status, new { success = false, error = message, errorCode = status });

    protected override ResponseMessage Answer(CrmCall call, IReadOnlyDictionary<string, string> headers)
    {
        if (!headers.TryGetValue("x-api-token", out var token) || token != Token) return Error(401, "unauthorized access");
        return (call.Method, call.Path) switch
        {
            ("GET", "/api/v2/organizations") => List(Organizations.Values, call),
            ("GET", "/api/v2/deals") => List(Deals.Values, call),
            ("GET", "/api/v2/persons") => List(Persons.Values.Where(p => call.Query.TryGetValue("org_id", out var org)
                && p["org_id"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture) == org), call, sortBy: "add_time"),
            ("GET", "/v1/organizationFields") => Fields(call),
            ("POST", "/v1/organizationFields") => CreateField(call.Body!.AsObject()),
            ("PATCH", _) when call.Path.StartsWith("/api/v2/organizations/", StringComparison.Ordinal) =>
                Patch(long.Parse(call.Path["/api/v2/organizations/".Length..], CultureInfo.InvariantCulture), call.Body!.AsObject()),
            _ => Error(404, $"No route {call.Method} {call.Path}"),
        };
    }

    private ResponseMessage List(IEnumerable<JsonObject> items, CrmCall call, string sortBy = "update_time")
    {
        var limit = int.Parse(call.Query.GetValueOrDefault("limit", "100"), CultureInfo.InvariantCulture);
        if (limit > 500) return Error(400, "limit must be at most 500");
        if (call.Query.TryGetValue("sort_by", out var sort) && sort != sortBy && sort != "update_time") return Error(400, "bad sort_by");
        var since = call.Query.TryGetValue("updated_since", out var s) ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
        var offset = call.Query.TryGetValue("cursor", out var cursor) ? int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(cursor)), CultureInfo.InvariantCulture) : 0;
        var matching = items.Where(i => since is null || DateTimeOffset.Parse(i["update_time"]!.GetValue<string>(), CultureInfo.InvariantCulture) >= since)
            .OrderBy(i => i[sort ?? "update_time"]!.GetValue<string>()).ThenBy(i => i["id"]!.GetValue<long>()).ToList();
        var page = matching.Skip(offset).Take(limit).ToList();
        var next = offset + limit < matching.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes((offset + limit).ToString(CultureInfo.InvariantCulture))) : null;
        return Ok(new JsonObject
        {
            ["success"] = true,
            ["data"] = new JsonArray([.. page.Select(p => p.DeepClone())]),
            ["additional_data"] = new JsonObject { ["next_cursor"] = next },
        });
    }

    private ResponseMessage Fields(CrmCall call)
    {
        var start = int.Parse(call.Query.GetValueOrDefault("start", "0"), CultureInfo.InvariantCulture);
        var limit = Math.Min(int.Parse(call.Query.GetValueOrDefault("limit", "100"), CultureInfo.InvariantCulture), 2);
        var page = OrganizationFields.Skip(start).Take(limit).ToList();
        var more = start + limit < OrganizationFields.Count;
        return Ok(new JsonObject
        {
            ["success"] = true,
            ["data"] = new JsonArray([.. page.Select(f => f.DeepClone())]),
            ["additional_data"] = new JsonObject
            {
                ["pagination"] = new JsonObject { ["start"] = start, ["limit"] = limit, ["more_items_in_collection"] = more, ["next_start"] = more ? start + limit : null },
            },
        });
    }

    private ResponseMessage CreateField(JsonObject body)
    {
        var name = body["name"]!.GetValue<string>();
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(name)));
        var field = new JsonObject { ["id"] = 5000 + OrganizationFields.Count, ["key"] = key, ["name"] = name, ["field_type"] = body["field_type"]!.DeepClone() };
        OrganizationFields.Add(field);
        return Ok(new JsonObject { ["success"] = true, ["data"] = field.DeepClone() });
    }

    private ResponseMessage Patch(long id, JsonObject body)
    {
        if (!Organizations.TryGetValue(id, out var org)) return Error(404, "Organization not found");
        foreach (var (key, value) in body["custom_fields"]!.AsObject())
        {
            if (OrganizationFields.All(f => f["key"]!.GetValue<string>() != key)) return Error(400, $"Unknown custom field {key}");
            org["custom_fields"]![key] = value?.DeepClone();
        }
        return Ok(new JsonObject { ["success"] = true, ["data"] = org.DeepClone() });
    }

    public JsonNode? Custom(long orgId, string fieldName) =>
        Organizations[orgId]["custom_fields"]![OrganizationFields.First(f => f["name"]!.GetValue<string>() == fieldName)["key"]!.GetValue<string>()];
}
