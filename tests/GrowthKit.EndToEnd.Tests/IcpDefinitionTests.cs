using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

[Collection(GrowthKitCollection.Name)]
public sealed class IcpDefinitionTests(GrowthKitApp system)
{
    [Fact]
    public async Task Derives_industry_and_region_from_thirty_best_customers()
    {
        var tenant = await system.CreateTenantAsync();
        var random = new Random(7);
        string[] dach = ["DE", "AT", "CH"];
        string[] industries = ["Retail Trade", "Finance and Insurance", "Manufacturing", "Information", "Construction"];
        string[] countries = ["US", "FR", "GB", "ES", "IT", "BR", "JP"];
        var best = Enumerable.Range(0, 30).Select(i => Customer("Transportation and Warehousing", dach[i % 3], random.Next(20, 5000)));
        var others = Enumerable.Range(0, 60).Select(i => Customer(industries[i % 5], countries[i % 7], random.Next(20, 5000)));

        using var response = await tenant.Api.PostAsJsonAsync("/api/icps/derive", new { customers = best, others });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadObject();
        var criteria = body["definition"]!["criteria"]!.AsArray().ToDictionary(c => c!["key"]!.GetValue<string>());
        Assert.Equal(["Transportation and Warehousing"], criteria["industry"]!["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("company.country", criteria["region"]!["field"]!.GetValue<string>());
        Assert.Equal(dach.Order(), criteria["region"]!["values"]!.AsArray().Select(v => v!.GetValue<string>()).Order());
        var evidence = body["evidence"]!.AsArray().Single(e => e!["key"]!.GetValue<string>() == "industry")!;
        Assert.Equal(1m, evidence["shareOfBest"]!.GetValue<decimal>());
        Assert.Equal(0m, evidence["shareOfBaseline"]!.GetValue<decimal>());

        // The proposal is a valid draft as it stands.
        using var created = await tenant.Api.PostAsJsonAsync("/api/icps", body["definition"]);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Derivation_without_customers_is_a_problem_naming_the_field()
    {
        var tenant = await system.CreateTenantAsync();
        using var response = await tenant.Api.PostAsJsonAsync("/api/icps/derive", new { customers = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("customers", (await response.ReadObject())["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task A_tenants_own_group_is_expanded_when_a_draft_is_saved_and_the_version_never_follows_later_changes()
    {
        var tenant = await system.CreateTenantAsync();
        using (var put = await tenant.Api.PutAsJsonAsync("/api/taxonomy", new
               {
                   painPoints = new[] { new { value = "route_chaos", label = "Routes change every hour" } },
                   groups = new[] { new { field = "painPoints", name = "dispatch-pains", members = new[] { "manual_dispatch", "route_chaos" } } },
               }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var vocabulary = await put.ReadObject();
            Assert.Equal(20, vocabulary["industries"]!.AsArray().Count);
            Assert.Contains(vocabulary["painPoints"]!.AsArray(), p => p!["value"]!.GetValue<string>() == "route_chaos");
        }

        var definition = Samples.Definition();
        definition["criteria"]![4]!["values"] = new JsonArray("dispatch-pains");
        definition["criteria"]![2]!["values"] = new JsonArray("DACH");
        var icpId = await tenant.Api.CreateIcp(definition);
        await tenant.Api.Publish(icpId);

        // Changing the group later does not touch the published version.
        using (var put = await tenant.Api.PutAsJsonAsync("/api/taxonomy", new
               {
                   groups = new[] { new { field = "painPoints", name = "dispatch-pains", members = new[] { "something_else" } } },
               }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var version = await tenant.Api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/versions/1");
        var criteria = version!["definition"]!["criteria"]!.AsArray().ToDictionary(c => c!["key"]!.GetValue<string>());
        Assert.Equal(["manual_dispatch", "route_chaos"], criteria["pain"]!["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["DE", "AT", "CH"], criteria["region"]!["values"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task An_edit_through_the_gateway_needs_the_current_revision_and_shows_in_history()
    {
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        var changed = Samples.Definition();
        changed["criteria"]![4]!["weight"] = 12;

        using var missing = await tenant.Api.PutAsJsonAsync($"/api/icps/{icpId}", new { definition = changed, reason = "pain matters more" });
        Assert.Equal((HttpStatusCode)428, missing.StatusCode);

        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/icps/{icpId}")
        {
            Content = JsonContent.Create(new { definition = changed, reason = "pain matters more" }),
        };
        edit.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using var edited = await tenant.Api.SendAsync(edit);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal(2, (await edited.ReadObject())["revision"]!.GetValue<int>());

        var history = await tenant.Api.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/history");
        var last = history!.Last()!;
        Assert.Equal("CriterionChanged", last["type"]!.GetValue<string>());
        Assert.Equal("pain matters more", last["reason"]!.GetValue<string>());
        Assert.Equal("default", last["by"]!.GetValue<string>());
    }

    private static object Customer(string industry, string country, int employees) => new
    {
        company = new { name = $"Company {Guid.NewGuid():N}", industry, country, employeeCount = employees },
    };
}
