using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// What used to give 500s or fail far from the request: unbounded numbers, text PostgreSQL cannot
/// store, non-finite numbers, duplicate personas, foreign ids with If-Match, a workshop's id where an
/// ICP's belongs. Each is a 400/422/404 problem naming the field, and nothing is written.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class HostileInputTests(GrowthKitApp system)
{
    // Escapes a client would send; JsonNode would refuse to write a lone surrogate itself.
    private const string Nul = "\\u0000";
    private const string LoneSurrogate = "\\ud800";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<List<string>> ProblemFields(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadObject();
        return problem["errors"] is JsonObject errors ? [.. errors.Select(e => e.Key)] : [];
    }

    public static TheoryData<string, string, HttpStatusCode, string> HostileDefinitions => new()
    {
        { "weight beyond a thousand", Mutate(d => d["criteria"]![0]!["weight"] = 1e27), (HttpStatusCode)422, "criteria[0].weight" },
        { "range beyond 1e15", Mutate(d => d["criteria"]![1]!["max"] = 1e20), (HttpStatusCode)422, "criteria[1].max" },
        { "number in a string", Mutate(d => d["criteria"]![0]!["weight"] = "30"), HttpStatusCode.BadRequest, "criteria[0].weight" },
        { "value no double holds", Mutate(d => d["criteria"]![2]!["values"]!.AsArray().Add("@@NUMBER@@")).Replace("\"@@NUMBER@@\"", "1e400"),
            HttpStatusCode.BadRequest, "criteria[2].values[3]" },
        { "NUL in the name", Mutate(d => d["name"] = "@@NUL@@").Replace("@@NUL@@", "a" + Nul + "b"), HttpStatusCode.BadRequest, "name" },
        { "lone surrogate in a value", Mutate(d => d["criteria"]![0]!["values"]![0] = "@@S@@").Replace("@@S@@", LoneSurrogate),
            HttpStatusCode.BadRequest, "criteria[0].values[0]" },
        { "duplicate persona roles", Mutate(d => d["personas"]!.AsArray().Add(new JsonObject { ["role"] = "head of operations " })),
            (HttpStatusCode)422, "personas[1].role" },
        { "name too long", Mutate(d => d["name"] = new string('n', 201)), (HttpStatusCode)422, "name" },
    };

    [Theory]
    [MemberData(nameof(HostileDefinitions))]
    public async Task A_hostile_definition_is_refused_naming_the_field(string _, string body, HttpStatusCode expected, string field)
    {
        var tenant = await system.CreateTenantAsync();
        using var response = await tenant.Api.PostAsync("/api/icps", Json(body));

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(field, await ProblemFields(response));
        Assert.Empty((await tenant.Api.GetFromJsonAsync<JsonObject>("/api/icps"))!["items"]!.AsArray());
    }

    public static TheoryData<string, string, string> HostileLeads => new()
    {
        { "NUL in the company name", Lead(l => l["company"]!["name"] = "@@X@@").Replace("@@X@@", "Acme" + Nul), "company.name" },
        { "lone surrogate in an attribute", Lead(l => l["attributes"]!["note"] = "@@X@@").Replace("@@X@@", LoneSurrogate), "attributes.note" },
        { "1e999999 in an attribute", Lead(l => l["attributes"]!["big"] = "@@X@@").Replace("\"@@X@@\"", "1e999999"), "attributes.big" },
        { "employee count beyond 1e15", Lead(l => l["company"]!["employeeCount"] = 1e20), "company.employeeCount" },
        { "attributes nested too deep", Lead(l => l["attributes"]!["deep"] = JsonNode.Parse("[[[[[[[1]]]]]]]")), "attributes.deep" },
    };

    [Theory]
    [MemberData(nameof(HostileLeads))]
    public async Task A_hostile_lead_is_refused_naming_the_field_alone_or_in_a_batch(string _, string lead, string field)
    {
        var tenant = await system.CreateTenantAsync();
        using (var response = await tenant.Api.PostAsync("/api/leads", Json(lead)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(field, await ProblemFields(response));
        }

        // In a batch the hostile lead is named by its index; nothing of a refused batch is recorded.
        var fine = Samples.Lead("fine-1").ToJsonString();
        using (var response = await tenant.Api.PostAsync("/api/leads/batch", Json($$"""{"leads": [{{fine}}, {{lead}}]}""")))
        {
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                // Text or numbers nothing could store: the batch is refused as a whole, the member named.
                Assert.Contains($"leads[1].{field}", await ProblemFields(response));
            }
            else
            {
                // Bounds a lead breaks on its own: that lead is rejected by its index, the others recorded.
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                var answer = await response.ReadObject();
                var rejected = Assert.Single(answer["rejected"]!.AsArray());
                Assert.Equal(1, rejected!["index"]!.GetValue<int>());
                Assert.Contains(field, rejected["errors"]!.AsObject().Select(e => e.Key));
            }
        }
        using var lookup = await tenant.Api.GetAsync("/api/leads/by-external-id/hostile-1");
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task A_tenant_name_or_deal_id_postgres_cannot_store_is_a_400()
    {
        using var admin = system.AdminClient();
        using (var response = await admin.PostAsync("/admin/tenants", Json("""{"name": "evil\u0000corp"}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("name", await ProblemFields(response));
        }

        var tenant = await system.CreateTenantAsync();
        using var deal = await tenant.Api.PostAsync("/api/deals", Json("""{"dealId": "d\ud800", "externalId": "x", "outcome": "won"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, deal.StatusCode);
        Assert.Contains("dealId", await ProblemFields(deal));
    }

    [Fact]
    public async Task Writes_with_If_Match_to_an_unknown_or_foreign_icp_are_404_not_412()
    {
        var owner = await system.CreateTenantAsync();
        var other = await system.CreateTenantAsync();
        var icpId = await owner.Api.CreateIcp();

        foreach (var id in new[] { Guid.NewGuid(), icpId })
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/icps/{id}")
            {
                Content = JsonContent.Create(new { definition = Samples.Definition(), reason = "edit" }),
            };
            put.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
            using var edited = await other.Api.SendAsync(put);
            Assert.Equal(HttpStatusCode.NotFound, edited.StatusCode);

            using var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/icps/{id}/publish") { Content = JsonContent.Create(new { reason = "go" }) };
            publish.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
            using var published = await other.Api.SendAsync(publish);
            Assert.Equal(HttpStatusCode.NotFound, published.StatusCode);
        }
    }

    [Fact]
    public async Task A_workshops_id_is_not_an_icp_anywhere()
    {
        var tenant = await system.CreateTenantAsync();
        using var started = await tenant.Api.PostAsJsonAsync("/api/workshops", new { });
        Assert.True(started.IsSuccessStatusCode, $"{started.StatusCode}");
        var workshopId = (await started.ReadObject())["workshopId"]!.GetValue<string>();

        foreach (var path in new[] { "", "/history", "/versions", "/diff?from=1&to=2", $"?asOf={DateTimeOffset.UtcNow.AddDays(1):O}" })
        {
            using var response = await tenant.Api.GetAsync($"/api/icps/{workshopId}{path}".Replace("+", "%2B"));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task Groups_that_nest_without_end_or_too_deep_are_refused()
    {
        var tenant = await system.CreateTenantAsync();
        var cyclic = new { groups = new[]
        {
            new { field = "signals", name = "a", members = new[] { "b" } },
            new { field = "signals", name = "b", members = new[] { "a", "x" } },
        } };
        using (var response = await tenant.Api.PutAsJsonAsync("/api/taxonomy", cyclic))
        {
            Assert.Equal((HttpStatusCode)422, response.StatusCode);
            Assert.Contains("groups[0]", await ProblemFields(response));
        }

        var deep = new { groups = Enumerable.Range(0, 8).Select(i => new { field = "signals", name = $"g{i}", members = new[] { $"g{i + 1}", $"v{i}" } }).ToArray() };
        using (var response = await tenant.Api.PutAsJsonAsync("/api/taxonomy", deep))
        {
            Assert.Equal((HttpStatusCode)422, response.StatusCode);
        }
    }

    private static string Mutate(Action<JsonObject> change)
    {
        var definition = Samples.Definition();
        change(definition);
        return definition.ToJsonString();
    }

    private static string Lead(Action<JsonObject> change)
    {
        var lead = Samples.Lead("hostile-1");
        change(lead);
        return lead.ToJsonString();
    }
}
