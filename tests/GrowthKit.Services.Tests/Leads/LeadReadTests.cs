using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using GrowthKit.Model;
using GrowthKit.Services.Tests.Infrastructure;
using GrowthKit.Services.Tests.Relay;

namespace GrowthKit.Services.Tests.Leads;

/// <summary>
/// The leads service's own read of a lead (<c>/internal/leads/…</c>, what the gateway answers with while
/// scoring has not recorded a lead): the newest snapshot as accepted, tenant by tenant, against real Postgres.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class LeadReadTests(TestServers servers, LeadRelayHarness harness)
    : IClassFixture<LeadRelayHarness>, IAsyncLifetime
{
    public Task InitializeAsync() => harness.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_lead_reads_as_accepted_by_id_and_by_external_id_with_no_scores_and_scoring_pending()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);
        var sent = Lead(" crm-read ", "operations");
        sent["company"]!["country"] = "Germany";
        var leadId = await Push(api, sent);

        var byId = await ReadAsync(api, $"/internal/leads/{leadId}");
        var byExternalId = await ReadAsync(api, "/internal/leads/by-external-id/crm-read");
        var padded = await ReadAsync(api, "/internal/leads/by-external-id/%20crm-read%20");

        Assert.Equal(leadId, Guid.Parse(byId["leadId"]!.GetValue<string>()));
        Assert.Equal("crm-read", byId["externalId"]!.GetValue<string>());
        Assert.Equal(1, byId["snapshot"]!.GetValue<int>());
        Assert.Equal("DE", byId["lead"]!["company"]!["country"]!.GetValue<string>());
        Assert.Equal("crm-read", byId["lead"]!["externalId"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(sent, byId["raw"]), $"raw changed: {byId["raw"]?.ToJsonString()}");
        Assert.Empty(byId["scores"]!.AsArray());
        Assert.Equal("pending", byId["scoring"]!.GetValue<string>());
        Assert.Equal(byId.ToJsonString(), byExternalId.ToJsonString());
        Assert.Equal(byId.ToJsonString(), padded.ToJsonString());
    }

    [Fact]
    public async Task The_read_shows_the_newest_snapshot_of_a_changed_lead_and_every_lead_of_a_batch()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);
        var leadId = await Push(api, Lead("crm-change", "operations"));
        Assert.Equal(leadId, await Push(api, Lead("crm-change", "sales")));

        var lead = await ReadAsync(api, $"/internal/leads/{leadId}");
        Assert.Equal(2, lead["snapshot"]!.GetValue<int>());
        Assert.Equal("sales", lead["lead"]!["contact"]!["department"]!.GetValue<string>());
        Assert.Equal("sales", lead["raw"]!["contact"]!["department"]!.GetValue<string>());

        var batch = new JsonObject { ["leads"] = new JsonArray([.. Enumerable.Range(0, 30).Select(i => Lead($"crm-b{i}", "ops"))]) };
        using (var response = await api.PostAsync("/api/leads/batch", new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        foreach (var i in Enumerable.Range(0, 30))
        {
            var read = await ReadAsync(api, $"/internal/leads/by-external-id/crm-b{i}");
            Assert.Equal(DeterministicId.For(tenant.ToString(), $"crm-b{i}"), Guid.Parse(read["leadId"]!.GetValue<string>()));
            Assert.Equal(1, read["snapshot"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Another_tenant_and_unknown_leads_get_a_404_problem()
    {
        var owner = Guid.NewGuid();
        using var api = harness.ClientFor(owner);
        using var stranger = harness.ClientFor(Guid.NewGuid());
        var leadId = await Push(api, Lead("crm-secret", "operations"));

        foreach (var (client, path) in new[]
                 {
                     (stranger, $"/internal/leads/{leadId}"),
                     (stranger, "/internal/leads/by-external-id/crm-secret"),
                     (api, $"/internal/leads/{Guid.NewGuid()}"),
                     (api, "/internal/leads/by-external-id/nobody"),
                 })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal("Lead not found.", problem["title"]!.GetValue<string>());
            Assert.Equal(404, problem["status"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task A_token_without_a_tenant_cannot_read_a_lead()
    {
        using var api = harness.ClientFor(Guid.NewGuid());
        var leadId = await Push(api, Lead("crm-platform", "operations"));
        using var platform = harness.PlatformClient();

        using var response = await platform.GetAsync($"/internal/leads/{leadId}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static JsonObject Lead(string externalId, string department) => new()
    {
        ["externalId"] = externalId,
        ["company"] = new JsonObject { ["name"] = "Acme Logistics GmbH", ["industry"] = "logistics", ["employeeCount"] = "51-200" },
        ["contact"] = new JsonObject { ["title"] = "Head of Operations", ["department"] = department },
    };

    private static async Task<Guid> Push(HttpClient api, JsonObject lead)
    {
        using var response = await api.PostAsync("/api/leads", new StringContent(lead.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return Guid.Parse((await response.Content.ReadFromJsonAsync<JsonObject>())!["leadId"]!.GetValue<string>());
    }

    private static async Task<JsonObject> ReadAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} → {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
