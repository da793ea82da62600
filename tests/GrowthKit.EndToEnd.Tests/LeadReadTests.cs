using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// A lead reads through the gateway as soon as it is accepted, not only once scoring has recorded it:
/// every read here follows its 202 at once, with no waiting.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class LeadReadTests(GrowthKitApp system)
{
    [Fact]
    public async Task A_lead_reads_by_id_and_by_external_id_right_after_its_202()
    {
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        await tenant.Api.Publish(icpId);
        var sent = Samples.Lead(" read-1 ");
        sent["company"]!["country"] = "Germany";

        var leadId = await tenant.Api.PushLead(sent);
        var byId = await ReadAsync(tenant.Api, $"/api/leads/{leadId}");
        var byExternalId = await ReadAsync(tenant.Api, "/api/leads/by-external-id/read-1");

        foreach (var lead in new[] { byId, byExternalId })
        {
            Assert.Equal(leadId.ToString(), lead["leadId"]!.GetValue<string>());
            Assert.Equal("read-1", lead["externalId"]!.GetValue<string>());
            Assert.Equal(1, lead["snapshot"]!.GetValue<int>());
            Assert.Equal("DE", lead["lead"]!["company"]!["country"]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(sent, lead["raw"]), $"raw changed: {lead["raw"]?.ToJsonString()}");
            AssertScoresBelongToTheSnapshot(lead);
        }
    }

    [Fact]
    public async Task Every_lead_of_a_batch_reads_right_after_its_202_on_both_routes()
    {
        var tenant = await system.CreateTenantAsync();
        var batch = new JsonObject { ["leads"] = new JsonArray([.. Enumerable.Range(0, 25).Select(i => Samples.Lead($"read-b{i}"))]) };

        using var response = await tenant.Api.PostAsync("/api/leads/batch",
            new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.ReadObject())["accepted"]!.AsArray().Select(a => a!.AsObject()).ToList();
        Assert.Equal(25, accepted.Count);

        await Task.WhenAll(accepted.Select(async a =>
        {
            var leadId = a["leadId"]!.GetValue<string>();
            var externalId = a["externalId"]!.GetValue<string>();
            var byId = await ReadAsync(tenant.Api, $"/api/leads/{leadId}");
            var byExternalId = await ReadAsync(tenant.Api, $"/api/leads/by-external-id/{externalId}");
            foreach (var lead in new[] { byId, byExternalId })
            {
                Assert.Equal(leadId, lead["leadId"]!.GetValue<string>());
                Assert.Equal(externalId, lead["externalId"]!.GetValue<string>());
                // No ICP is published: no score, whichever service answered.
                Assert.Empty(lead.Scores());
            }
        }));
    }

    [Fact]
    public async Task Another_tenant_gets_the_same_404_problem_as_for_a_lead_nobody_knows()
    {
        var owner = await system.CreateTenantAsync();
        var stranger = await system.CreateTenantAsync();
        var leadId = await owner.Api.PushLead(Samples.Lead("read-secret"));

        var problems = new List<JsonObject>();
        foreach (var (api, path) in new[]
                 {
                     (stranger.Api, $"/api/leads/{leadId}"),
                     (stranger.Api, "/api/leads/by-external-id/read-secret"),
                     (owner.Api, $"/api/leads/{Guid.NewGuid()}"),
                     (owner.Api, "/api/leads/by-external-id/read-nobody"),
                 })
        {
            using var response = await api.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} answered {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            problems.Add(await response.ReadObject());
        }
        Assert.All(problems, p =>
        {
            Assert.Equal("Lead not found.", p["title"]!.GetValue<string>());
            Assert.Equal(404, p["status"]!.GetValue<int>());
            Assert.Equal(problems[0].Select(f => f.Key).Order(), p.Select(f => f.Key).Order());
        });

        // The owner reads it meanwhile.
        await ReadAsync(owner.Api, $"/api/leads/{leadId}");
    }

    /// <summary>
    /// A changed lead read at once still shows the snapshot scoring has scored, with its scores, until the
    /// new snapshot is scored: never the new data beside the old snapshot's scores.
    /// </summary>
    [Fact]
    public async Task A_new_snapshot_not_yet_scored_reads_as_the_scored_one_until_it_is_scored()
    {
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        await tenant.Api.Publish(icpId);
        var leadId = await tenant.Api.PushLead(Samples.Lead("read-change"));
        await tenant.Api.WaitForLead(leadId, l => l.Scores().Count == 1);

        Assert.Equal(leadId, await tenant.Api.PushLead(Samples.Lead("read-change", department: "sales")));
        var byId = await ReadAsync(tenant.Api, $"/api/leads/{leadId}");
        var byExternalId = await ReadAsync(tenant.Api, "/api/leads/by-external-id/read-change");

        foreach (var lead in new[] { byId, byExternalId })
        {
            Assert.Null(lead["scoring"]);
            Assert.Single(lead.Scores());
            AssertScoresBelongToTheSnapshot(lead);
            var expected = lead["snapshot"]!.GetValue<int>() == 1 ? "operations" : "sales";
            Assert.Equal(expected, lead["lead"]!["contact"]!["department"]!.GetValue<string>());
            Assert.Equal(expected, lead["raw"]!["contact"]!["department"]!.GetValue<string>());
        }
        var scored = await tenant.Api.WaitForLead(leadId, l => l["snapshot"]!.GetValue<int>() == 2);
        AssertScoresBelongToTheSnapshot(scored);
        Assert.Equal("sales", scored["lead"]!["contact"]!["department"]!.GetValue<string>());
    }

    /// <summary>
    /// Either the leads service answered (no scores, scoring pending) or scoring did, with this snapshot's
    /// score — or none yet, when the lead reached scoring before the ICP's publication did (both travel
    /// as messages; the lead is scored when the version arrives).
    /// </summary>
    private static void AssertScoresBelongToTheSnapshot(JsonObject lead)
    {
        var snapshot = lead["snapshot"]!.GetValue<int>();
        if (lead["scoring"] is { } scoring)
        {
            Assert.Equal("pending", scoring.GetValue<string>());
            Assert.Empty(lead.Scores());
            return;
        }
        var scores = lead.Scores().ToList();
        Assert.True(scores.Count <= 1, $"one ICP, so at most one score: {lead.ToJsonString()}");
        foreach (var score in scores) Assert.Equal(snapshot, score!["snapshot"]!.GetValue<int>());
    }

    private static async Task<JsonObject> ReadAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} → {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!.AsObject();
    }
}
