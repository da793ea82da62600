using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// Scores through the gateway: every lead scored against each published version (on arrival and by
/// re-scoring), the ledger of every score, its reproduction, re-scoring progress and the ranking.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class ScoringTests(GrowthKitApp system)
{
    private const int Leads = 24;

    // Lead i is variant i % 4: 0 matches industry, size, trigger; 1 the same in sales; 2 too few
    // employees for "size" (20); 3 too small altogether (5: disqualified).
    private static JsonObject Lead(int i) => (i % 4) switch
    {
        0 => Samples.Lead($"score-{i}"),
        1 => Samples.Lead($"score-{i}", department: "sales"),
        2 => Samples.Lead($"score-{i}", employees: 20),
        _ => Samples.Lead($"score-{i}", employees: 5),
    };

    // v1 is API.md's definition; v2 adds US to the region (+20 for these US leads).
    private static readonly (decimal Score, string Tier)[] V1 = [(72.7m, "B"), (63.6m, "B"), (50.0m, "B"), (0m, "disqualified")];
    private static readonly (decimal Score, string Tier)[] V2 = [(90.9m, "A"), (81.8m, "A"), (68.2m, "B"), (0m, "disqualified")];

    [Fact]
    public async Task A_new_version_rescores_every_lead_and_every_score_is_in_the_ledger_reproducible_and_ranked()
    {
        var tenant = await system.CreateTenantAsync();
        var api = tenant.Api;
        var icpId = await api.CreateIcp();
        Assert.Equal(1, await api.Publish(icpId));
        var leadIds = await PushBatchAsync(api, [.. Enumerable.Range(0, Leads).Select(Lead)]);
        foreach (var leadId in leadIds) await api.WaitForLead(leadId, l => l.Scores().Count == 1);

        var v2 = Samples.Definition();
        v2["criteria"]![2]!["values"]!.AsArray().Add("US");
        await EditAsync(api, icpId, v2, revision: 2);
        Assert.Equal(2, await api.Publish(icpId, "US too"));

        var progress = await WaitForRescoringAsync(api, icpId, 2);
        Assert.Equal((Leads, Leads), (progress["total"]!.GetValue<int>(), progress["scored"]!.GetValue<int>()));
        Assert.True(progress["startedAt"]!.GetValue<DateTimeOffset>() <= progress["finishedAt"]!.GetValue<DateTimeOffset>());

        for (var i = 0; i < Leads; i++)
        {
            // The ledger: one score per version, oldest first, each naming what it was computed from.
            var scores = (await api.GetFromJsonAsync<JsonObject>($"/api/leads/{leadIds[i]}/scores"))!["items"]!.AsArray()
                .Select(s => s!.AsObject()).ToList();
            Assert.Equal([(1, V1[i % 4].Score, V1[i % 4].Tier), (2, V2[i % 4].Score, V2[i % 4].Tier)], scores.Select(s =>
                (s["icpVersion"]!.GetValue<int>(), s["score"]!.GetValue<decimal>(), s["tier"]!.GetValue<string>())));
            Assert.All(scores, s =>
            {
                Assert.Equal(icpId.ToString(), s["icpId"]!.GetValue<string>());
                Assert.Equal(1, s["snapshot"]!.GetValue<int>());
                Assert.Matches("^sha256:[0-9a-f]{64}$", s["inputHash"]!.GetValue<string>());
                Assert.False(string.IsNullOrEmpty(s["modelVersion"]!.GetValue<string>()));
                Assert.NotNull(s["scoredAt"]);
            });

            // Each reproduced from the stored snapshot and definition, bit for bit.
            foreach (var recorded in scores)
            {
                using var response = await api.PostAsJsonAsync($"/api/leads/{leadIds[i]}/rescore",
                    new { icpId, icpVersion = recorded["icpVersion"]!.GetValue<int>() });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var body = await response.ReadObject();
                Assert.True(body["matchesRecorded"]!.GetValue<bool>(), body.ToJsonString());
                Assert.Equal(recorded["inputHash"]!.GetValue<string>(), body["score"]!["inputHash"]!.GetValue<string>());
            }

            // The lead's current score is v2's.
            var lead = await api.GetFromJsonAsync<JsonObject>($"/api/leads/{leadIds[i]}");
            Assert.Equal(2, Assert.Single(lead!.Scores())!["icpVersion"]!.GetValue<int>());
        }

        using (var unknownSnapshot = await api.PostAsJsonAsync($"/api/leads/{leadIds[0]}/rescore", new { icpId, icpVersion = 2, snapshot = 9 }))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknownSnapshot.StatusCode);
        }

        // The ranking by v2: best first, filtered, paged with the cursor.
        var ranked = await ListAsync(api, $"/api/leads?icpId={icpId}&limit=5");
        Assert.Equal(Leads, ranked.Count);
        var expected = Enumerable.Range(0, Leads)
            .Select(i => (LeadId: leadIds[i].ToString(), V2[i % 4].Score))
            .OrderByDescending(x => x.Score).ThenBy(x => x.LeadId, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, ranked.Select(r => (r["leadId"]!.GetValue<string>(), r["score"]!["score"]!.GetValue<decimal>())));
        Assert.All(ranked, r => Assert.Equal(2, r["score"]!["icpVersion"]!.GetValue<int>()));
        Assert.Equal("Acme Logistics GmbH", ranked[0]["company"]!["name"]!.GetValue<string>());

        var tierA = await ListAsync(api, $"/api/leads?icpId={icpId}&tier=A&minScore=85&limit=2");
        Assert.Equal(Leads / 4, tierA.Count);
        Assert.All(tierA, r => Assert.Equal((90.9m, "A"), (r["score"]!["score"]!.GetValue<decimal>(), r["score"]!["tier"]!.GetValue<string>())));
        var disqualified = await ListAsync(api, $"/api/leads?icpId={icpId}&tier=disqualified");
        Assert.Equal(Leads / 4, disqualified.Count);

        using var missingIcp = await api.GetAsync("/api/leads");
        Assert.Equal(HttpStatusCode.BadRequest, missingIcp.StatusCode);
        Assert.NotNull((await missingIcp.ReadObject())["errors"]!["icpId"]);
        using var unknownIcp = await api.GetAsync($"/api/leads?icpId={Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknownIcp.StatusCode);
    }

    [Fact]
    public async Task Rescoring_progress_is_404_for_a_version_never_published()
    {
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        await tenant.Api.Publish(icpId);
        await WaitForRescoringAsync(tenant.Api, icpId, 1);

        using var response = await tenant.Api.GetAsync($"/api/icps/{icpId}/versions/2/rescoring");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<List<Guid>> PushBatchAsync(HttpClient api, IReadOnlyList<JsonObject> leads)
    {
        using var response = await api.PostAsJsonAsync("/api/leads/batch", new { leads });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadObject();
        Assert.Empty(body["rejected"]!.AsArray());
        return [.. body["accepted"]!.AsArray().OrderBy(a => a!["index"]!.GetValue<int>()).Select(a => Guid.Parse(a!["leadId"]!.GetValue<string>()))];
    }

    private static async Task EditAsync(HttpClient api, Guid icpId, JsonObject definition, int revision)
    {
        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/icps/{icpId}")
        {
            Content = JsonContent.Create(new { definition, reason = "US too" }),
        };
        edit.Headers.TryAddWithoutValidation("If-Match", $"\"{revision}\"");
        using var edited = await api.SendAsync(edit);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
    }

    private static async Task<JsonObject> WaitForRescoringAsync(HttpClient api, Guid icpId, int version)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await api.GetAsync($"/api/icps/{icpId}/versions/{version}/rescoring");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = await response.ReadObject();
                if (last["finishedAt"] is not null) return last;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Re-scoring of {icpId} v{version} did not finish; last seen: {last?.ToJsonString()}");
    }

    private static async Task<List<JsonObject>> ListAsync(HttpClient api, string path)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = (await api.GetFromJsonAsync<JsonObject>(path + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))))!;
            items.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
            cursor = page["nextCursor"]?.GetValue<string>();
            if (cursor is null) return items;
        }
        throw new InvalidOperationException("The cursor never ended.");
    }
}
