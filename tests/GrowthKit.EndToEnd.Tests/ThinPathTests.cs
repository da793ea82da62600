using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Model;

namespace GrowthKit.EndToEnd.Tests;

[Collection(GrowthKitCollection.Name)]
public sealed class ThinPathTests(GrowthKitApp system)
{
    [Fact]
    public async Task Scores_a_pushed_lead_against_the_published_icp_with_the_exact_formula()
    {
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        Assert.Equal(1, await tenant.Api.Publish(icpId));

        var leadId = await tenant.Api.PushLead(Samples.Lead("crm-1"));
        var salesLeadId = await tenant.Api.PushLead(Samples.Lead("crm-2", department: "sales"));
        var tinyLeadId = await tenant.Api.PushLead(Samples.Lead("crm-3", employees: 5));

        var lead = await tenant.Api.WaitForLead(leadId, l => l.Scores().Count == 1);
        var score = lead.Scores()[0]!.AsObject();
        Assert.Equal(icpId.ToString(), score["icpId"]!.GetValue<string>());
        Assert.Equal(1, score["icpVersion"]!.GetValue<int>());
        Assert.Equal(1, score["snapshot"]!.GetValue<int>());
        Assert.Equal(72.7m, score["score"]!.GetValue<decimal>());
        Assert.Equal("B", score["tier"]!.GetValue<string>());
        Assert.True(score.ContainsKey("disqualifiedBy"), "the contract writes disqualifiedBy: null");
        Assert.Null(score["disqualifiedBy"]);
        Assert.Equal(ScoringModel.ModelVersion, score["modelVersion"]!.GetValue<string>());
        Assert.Matches("^sha256:[0-9a-f]{64}$", score["inputHash"]!.GetValue<string>());

        var breakdown = score["breakdown"]!.AsArray().Select(b => b!.AsObject()).ToDictionary(b => b["key"]!.GetValue<string>());
        Assert.Equal(["industry", "size", "region", "trigger", "pain", "sales-led"], breakdown.Keys);
        Assert.True(breakdown["industry"]["matched"]!.GetValue<bool>());
        Assert.Equal(30m, breakdown["industry"]["contribution"]!.GetValue<decimal>());
        Assert.Equal("Transportation and Warehousing", breakdown["industry"]["actual"]!.GetValue<string>());
        Assert.False(breakdown["region"]["matched"]!.GetValue<bool>());
        Assert.Equal(20m, breakdown["region"]["weight"]!.GetValue<decimal>());
        Assert.Equal(0m, breakdown["region"]["contribution"]!.GetValue<decimal>());
        Assert.Equal("US", breakdown["region"]["actual"]!.GetValue<string>());
        Assert.False(breakdown["pain"]["matched"]!.GetValue<bool>());
        Assert.True(breakdown["pain"].ContainsKey("actual"), "a missing field shows actual: null");
        Assert.Null(breakdown["pain"]["actual"]);

        var sales = await tenant.Api.WaitForLead(salesLeadId, l => l.Scores().Count == 1);
        Assert.Equal(63.6m, sales.Scores()[0]!["score"]!.GetValue<decimal>());
        Assert.Equal(-10m, sales.Scores()[0]!["breakdown"]!.AsArray().Single(b => b!["key"]!.GetValue<string>() == "sales-led")!["contribution"]!.GetValue<decimal>());

        var tiny = await tenant.Api.WaitForLead(tinyLeadId, l => l.Scores().Count == 1);
        Assert.Equal(0m, tiny.Scores()[0]!["score"]!.GetValue<decimal>());
        Assert.Equal("disqualified", tiny.Scores()[0]!["tier"]!.GetValue<string>());
        Assert.Equal("too-small", tiny.Scores()[0]!["disqualifiedBy"]!["key"]!.GetValue<string>());
        Assert.Equal("Too small to need dispatch software", tiny.Scores()[0]!["disqualifiedBy"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_input_hash_is_the_sha256_of_the_canonical_lead_definition_and_model_version()
    {
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        await tenant.Api.Publish(icpId);
        var leadId = await tenant.Api.PushLead(Samples.Lead("hash-1"));

        var lead = await tenant.Api.WaitForLead(leadId, l => l.Scores().Count == 1);
        var icp = await tenant.Api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}");
        var definition = icp!["published"]!["definition"]!.Deserialize<IcpDefinition>(ModelJson.Options)!;
        var normalised = JsonSerializer.SerializeToElement(lead["lead"]);

        var expected = InputHash.Compute(normalised, definition, ScoringModel.ModelVersion);
        Assert.Equal(expected, lead.Scores()[0]!["inputHash"]!.GetValue<string>());
        Assert.Equal(72.7m, IcpScorer.Score(normalised, definition).Score);
    }

    [Fact]
    public async Task Both_lead_routes_answer_the_same_lead()
    {
        var tenant = await system.CreateTenantAsync();
        var leadId = await tenant.Api.PushLead(Samples.Lead("ext-42"));
        var byId = await tenant.Api.WaitForLead(leadId, _ => true);

        var byExternal = await tenant.Api.GetFromJsonAsync<JsonObject>("/api/leads/by-external-id/ext-42");
        Assert.Equal(leadId.ToString(), byExternal!["leadId"]!.GetValue<string>());
        Assert.Equal("ext-42", byExternal["externalId"]!.GetValue<string>());
        // The same JSON (names and values; the order of an object's names means nothing): one answer may
        // come from scoring and the other from the leads service while scoring has not recorded the lead.
        Assert.True(JsonNode.DeepEquals(byId["lead"], byExternal["lead"]),
            $"by id {byId["lead"]!.ToJsonString()}, by external id {byExternal["lead"]!.ToJsonString()}");
        Assert.Equal("Acme Logistics GmbH", byExternal["raw"]!["company"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_lead_pushed_before_any_icp_is_published_is_scored_when_one_is()
    {
        var tenant = await system.CreateTenantAsync();
        var leadId = await tenant.Api.PushLead(Samples.Lead("early-1"));
        // Recorded by scoring (no "scoring": "pending") before any ICP is published, so the publication scores it.
        var unscored = await tenant.Api.WaitForLead(leadId, l => l["scoring"] is null);
        Assert.Empty(unscored.Scores());

        var icpId = await tenant.Api.CreateIcp();
        await tenant.Api.Publish(icpId);

        var scored = await tenant.Api.WaitForLead(leadId, l => l.Scores().Count == 1);
        Assert.Equal(72.7m, scored.Scores()[0]!["score"]!.GetValue<decimal>());
        Assert.Equal(1, scored.Scores()[0]!["icpVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_same_external_id_never_makes_a_second_lead_and_changed_data_is_a_new_snapshot()
    {
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        await tenant.Api.Publish(icpId);

        var first = await tenant.Api.PushLead(Samples.Lead("dup-1"));
        var again = await tenant.Api.PushLead(Samples.Lead("dup-1"));
        Assert.Equal(first, again);
        var lead = await tenant.Api.WaitForLead(first, l => l.Scores().Count == 1);
        Assert.Equal(1, lead["snapshot"]!.GetValue<int>());

        var changed = await tenant.Api.PushLead(Samples.Lead("dup-1", department: "sales"));
        Assert.Equal(first, changed);
        var rescored = await tenant.Api.WaitForLead(first, l => l["snapshot"]!.GetValue<int>() == 2 && l.Scores().Count == 1
            && l.Scores()[0]!["snapshot"]!.GetValue<int>() == 2);
        Assert.Equal(63.6m, rescored.Scores()[0]!["score"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Icp_reads_back_its_draft_published_version_and_revision_as_etag()
    {
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();

        using var draft = await tenant.Api.GetAsync($"/api/icps/{icpId}");
        Assert.Equal("\"1\"", draft.Headers.ETag!.Tag);
        var draftBody = await draft.ReadObject();
        Assert.Equal(1, draftBody["revision"]!.GetValue<int>());
        Assert.Null(draftBody["published"]);
        Assert.Equal("Mid-market logistics operators", draftBody["draft"]!["name"]!.GetValue<string>());

        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/icps/{icpId}/publish")
        {
            Content = JsonContent.Create(new { reason = "go" }),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"7\"");
        using (var response = await tenant.Api.SendAsync(stale))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        }

        using var current = new HttpRequestMessage(HttpMethod.Post, $"/api/icps/{icpId}/publish")
        {
            Content = JsonContent.Create(new { reason = "go" }),
        };
        current.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using (var response = await tenant.Api.SendAsync(current))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.ReadObject();
            Assert.Equal(1, body["version"]!.GetValue<int>());
            Assert.Equal(2, body["revision"]!.GetValue<int>());
        }

        var published = await tenant.Api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}");
        Assert.Equal(2, published!["revision"]!.GetValue<int>());
        Assert.Equal(1, published["published"]!["version"]!.GetValue<int>());

        var list = await tenant.Api.GetFromJsonAsync<JsonObject>("/api/icps");
        Assert.Equal([icpId.ToString()], list!["items"]!.AsArray().Select(i => i!["icpId"]!.GetValue<string>()));
        Assert.Null(list["nextCursor"]);
    }
}
