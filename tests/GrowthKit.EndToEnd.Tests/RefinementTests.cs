using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>Outcomes feed back through the gateway: deals, the gap report, a proposal accepted into a new, re-scored version.</summary>
[Collection(GrowthKitCollection.Name)]
public sealed class RefinementTests(GrowthKitApp system)
{
    private const int Deals = 400;

    /// <summary>The shared synthetic market: its stated ICP names Transportation instead of Manufacturing and a funding round instead of rapid hiring.</summary>
    private static List<DrawnDeal> Market() => SyntheticMarket.Draw(Deals, seed: 21, prefix: "refine");

    [Fact]
    public async Task Deals_give_a_gap_report_and_an_accepted_proposal_becomes_a_rescored_version()
    {
        var tenant = await system.CreateTenantAsync();
        var api = tenant.Api;
        var icpId = await api.CreateIcp(JsonNode.Parse(SyntheticMarket.StatedJson)!.AsObject());
        Assert.Equal(1, await api.Publish(icpId));

        var market = Market();
        Guid lastLead;
        using (var pushed = await api.PostAsJsonAsync("/api/leads/batch", new { leads = market.Select(m => m.Lead) }))
        {
            Assert.Equal(HttpStatusCode.Accepted, pushed.StatusCode);
            lastLead = Guid.Parse((await pushed.ReadObject())["accepted"]!.AsArray()[^1]!["leadId"]!.GetValue<string>());
            await api.WaitForLead(lastLead, l => l.Scores().Count == 1);
        }

        // Refinement hears of the leads a message after scoring did; a repeated deal id changes nothing, so resending is safe.
        var deals = market.Select(SyntheticMarket.DealBody).ToList();
        for (var attempt = 0; ; attempt++)
        {
            using var recorded = await api.PostAsJsonAsync("/api/deals/batch", new { deals });
            Assert.Equal(HttpStatusCode.Accepted, recorded.StatusCode);
            if ((await recorded.ReadObject())["rejected"]!.AsArray().Count == 0) break;
            Assert.True(attempt < 20, "refinement never learned of the leads");
            await Task.Delay(500);
        }

        var report = (await api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/gap-report"))!;
        Assert.Equal((Deals, 1), (report["closedDeals"]!.GetValue<int>(), report["icpVersion"]!.GetValue<int>()));
        Assert.Equal(market.Count(m => m.Won), report["won"]!.GetValue<int>());
        Assert.InRange(report["auc"]!.GetValue<double>(), 0.3, 0.8);
        Assert.Contains(report["values"]!.AsArray(), v => v!["field"]!.GetValue<string>() == "company.industry"
                                                         && v["value"]!.GetValue<string>() == "Manufacturing"
                                                         && v["lift"]!.GetValue<double>() > 1);

        // Refinement calibrates version 1 on the deals and tells scoring: each score is read with its chance of winning.
        Assert.Equal(5, report["winProbability"]!["tiers"]!.AsArray().Count);
        var calibrated = await api.WaitForLead(lastLead, l => l.Scores().Single()!["winProbability"] is not null);
        Assert.InRange(calibrated.Scores().Single()!["winProbability"]!.GetValue<double>(), 0, 1);
        using (var rescored = await api.PostAsJsonAsync($"/api/leads/{lastLead}/rescore", new { icpId, icpVersion = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, rescored.StatusCode);
            Assert.True((await rescored.ReadObject())["matchesRecorded"]!.GetValue<bool>());
        }

        // Proposals are made when the deals arrive (a read only reads): wait for the review of all of them.
        var proposal = (await Until(async () => (await api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/proposals"))!,
            p => p["reviewedDeals"]?.GetValue<int>() == Deals, "the review of the deals"))["items"]!.AsArray().Single()!;
        Assert.True(proposal["expectedAuc"]!.GetValue<double>() > proposal["currentAuc"]!.GetValue<double>(), proposal.ToJsonString());
        using (var accepted = await api.PostAsync($"/api/icps/{icpId}/proposals/{proposal["proposalId"]}/accept", null))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Equal(2, (await accepted.ReadObject())["version"]!.GetValue<int>());
        }

        var icp = (await api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}"))!;
        Assert.Equal(2, icp["published"]!["version"]!.GetValue<int>());
        var versions = (await api.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/versions"))!;
        Assert.Contains("holdout AUC", versions[1]!["reason"]!.GetValue<string>());

        // Publishing re-scores every lead against the new version.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonObject? progress = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await api.GetAsync($"/api/icps/{icpId}/versions/2/rescoring");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                progress = await response.ReadObject();
                if (progress["finishedAt"] is not null && progress["scored"]!.GetValue<int>() == Deals) break;
            }
            await Task.Delay(300);
        }
        Assert.Equal(Deals, progress?["scored"]?.GetValue<int>());

        // Refitted for the new version.
        await api.WaitForLead(lastLead, l => l.Scores().Single()!["icpVersion"]!.GetValue<int>() == 2
                                             && l.Scores().Single()!["winProbability"] is not null);
    }

    private static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var result = await probe();
            if (done(result)) return result;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited 60 s for {what}.");
            await Task.Delay(300);
        }
    }
}
