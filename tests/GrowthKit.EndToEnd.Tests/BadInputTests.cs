using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

[Collection(GrowthKitCollection.Name)]
public sealed class BadInputTests(GrowthKitApp system)
{
    public static TheoryData<string, string, HttpStatusCode, string> BadDefinitions => new()
    {
        { "malformed JSON", """{"name": "x", "criteria": [""", HttpStatusCode.BadRequest, "" },
        { "wrong type", Mutate(d => d["criteria"]![0]!["weight"] = "thirty"), HttpStatusCode.BadRequest, "criteria[0].weight" },
        { "criterion without a weight", Mutate(d => d["criteria"]![0]!.AsObject().Remove("weight")), HttpStatusCode.BadRequest, "criteria[0].weight" },
        { "missing name", Mutate(d => d.Remove("name")), HttpStatusCode.BadRequest, "name" },
        { "unknown operator", Mutate(d => d["criteria"]![1]!["operator"] = "roughly"), (HttpStatusCode)422, "criteria[1].operator" },
        { "unknown field path", Mutate(d => d["criteria"]![2]!["field"] = "company.shoeSize"), (HttpStatusCode)422, "criteria[2].field" },
        { "min above max", Mutate(d => { d["criteria"]![1]!["min"] = 900; }), (HttpStatusCode)422, "criteria[1]" },
        { "duplicate keys", Mutate(d => d["criteria"]![1]!["key"] = "industry"), (HttpStatusCode)422, "criteria[1].key" },
    };

    [Theory]
    [MemberData(nameof(BadDefinitions))]
    public async Task Rejects_a_bad_icp_definition_with_a_problem_naming_the_field_and_writes_nothing(
        string _, string body, HttpStatusCode expected, string field)
    {
        var tenant = await system.CreateTenantAsync();
        using var response = await tenant.Api.PostAsync("/api/icps", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadObject();
        var errors = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Contains(errors, e => e.StartsWith(field, StringComparison.Ordinal));

        var list = await tenant.Api.GetFromJsonAsync<JsonObject>("/api/icps");
        Assert.Empty(list!["items"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"externalId": "x-1", "company": {}}""", "company.name")]
    [InlineData("""{"company": {"name": "Acme"}}""", "externalId")]
    [InlineData("""{"externalId": "x-1", "company": {"name": "Acme", "employeeCount": "many"}}""", "company.employeeCount")]
    [InlineData("""{"externalId": "x-1", "company": """, "body")]
    public async Task Rejects_a_bad_lead_with_a_problem_naming_the_field(string body, string field)
    {
        var tenant = await system.CreateTenantAsync();
        using var response = await tenant.Api.PostAsync("/api/leads", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.ReadObject())["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Contains(errors, e => e.StartsWith(field, StringComparison.Ordinal) || field == "body");

        using var lookup = await tenant.Api.GetAsync("/api/leads/by-external-id/x-1");
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task Publishing_without_a_reason_is_rejected()
    {
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        using var response = await tenant.Api.PostAsJsonAsync($"/api/icps/{icpId}/publish", new { });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("reason", (await response.ReadObject())["errors"]!.AsObject().Select(e => e.Key));
    }

    private static string Mutate(Action<JsonObject> change)
    {
        var definition = Samples.Definition();
        change(definition);
        return definition.ToJsonString();
    }
}
