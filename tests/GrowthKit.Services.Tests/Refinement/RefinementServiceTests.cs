using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Services.Tests.Infrastructure;
using MassTransit;

namespace GrowthKit.Services.Tests.Refinement;

/// <summary>
/// Outcomes, the gap report, proposals, their acceptance through the ICP service over the broker,
/// auto mode and backtests, against real PostgreSQL and RabbitMQ. Each test has its own tenant.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class RefinementServiceTests(TestServers servers, RefinementKit kit) : IClassFixture<RefinementKit>, IAsyncLifetime
{
    public Task InitializeAsync() => kit.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonElement Lead(string externalId, string industry, string country, int employees, string[] signals,
        string department = "operations") =>
        JsonSerializer.SerializeToElement(new
        {
            externalId,
            company = new { name = externalId, industry, employeeCount = employees, country },
            signals,
            contact = new { department },
        });

    private static async Task<JsonObject> Body(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.RequestMessage?.RequestUri}: {response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<(Guid Tenant, Guid IcpId, List<DrawnDeal> Deals)> MarketWithDealsAsync(int count, int seed,
        bool sendDeals = true)
    {
        var tenant = Guid.NewGuid();
        var icpId = await kit.PublishIcpAsync(tenant, SyntheticMarket.StatedJsonWithoutTiers);
        var deals = SyntheticMarket.Draw(count, seed);
        await kit.SendLeadsAsync(tenant, [.. deals.Select(d => (d.ExternalId, d.Lead))]);
        if (sendDeals) await SendDealsAsync(tenant, deals);
        return (tenant, icpId, deals);
    }

    private async Task SendDealsAsync(Guid tenant, IEnumerable<DrawnDeal> deals)
    {
        var api = kit.Refinement(tenant);
        foreach (var page in deals.Chunk(1000))
        {
            var answer = await Body(await api.PostAsJsonAsync("/api/deals/batch", new { deals = page.Select(SyntheticMarket.DealBody) }),
                HttpStatusCode.Accepted);
            Assert.Empty(answer["rejected"]!.AsArray());
        }
    }

    [Fact]
    public async Task Deals_need_a_known_lead_a_valid_outcome_and_a_repeated_deal_id_changes_nothing()
    {
        var tenant = Guid.NewGuid();
        var icpId = await kit.PublishIcpAsync(tenant, SyntheticMarket.StatedJsonWithoutTiers);
        await kit.SendLeadsAsync(tenant, [("crm-1", Lead("crm-1", "Manufacturing", "DE", 120, []))]);
        var api = kit.Refinement(tenant);

        var unknown = await Body(await api.PostAsJsonAsync("/api/deals", new { externalId = "crm-404", outcome = "won" }),
            HttpStatusCode.NotFound);
        Assert.True(unknown["errors"]!.AsObject().ContainsKey("externalId"));
        var unknownId = await Body(await api.PostAsJsonAsync("/api/deals", new { leadId = Guid.NewGuid(), outcome = "won" }),
            HttpStatusCode.NotFound);
        Assert.True(unknownId["errors"]!.AsObject().ContainsKey("leadId"));
        var missing = await Body(await api.PostAsJsonAsync("/api/deals", new { externalId = "crm-1" }), HttpStatusCode.BadRequest);
        Assert.True(missing["errors"]!.AsObject().ContainsKey("outcome"));
        var wrongOutcome = await Body(await api.PostAsJsonAsync("/api/deals", new { externalId = "crm-1", outcome = "maybe" }),
            HttpStatusCode.UnprocessableEntity);
        Assert.True(wrongOutcome["errors"]!.AsObject().ContainsKey("outcome"));

        // By leadId (the id the leads service derives), with a generated deal id.
        var generated = await Body(await api.PostAsJsonAsync("/api/deals",
            new { leadId = RefinementKit.LeadId(tenant, "crm-1"), outcome = "lost", reason = "budget" }), HttpStatusCode.Accepted);
        Assert.False(string.IsNullOrEmpty(generated["dealId"]!.GetValue<string>()));

        var first = await Body(await api.PostAsJsonAsync("/api/deals",
            new { dealId = "opp-1", externalId = "crm-1", outcome = "won", amount = 5000, closedAt = "2025-03-01T00:00:00Z" }),
            HttpStatusCode.Accepted);
        Assert.Equal("opp-1", first["dealId"]!.GetValue<string>());
        // The same deal id again, even saying something else, changes nothing.
        await Body(await api.PostAsJsonAsync("/api/deals", new { dealId = "opp-1", externalId = "crm-1", outcome = "lost" }),
            HttpStatusCode.Accepted);

        var batch = await Body(await api.PostAsJsonAsync("/api/deals/batch", new
        {
            deals = new object[]
            {
                new { dealId = "opp-2", externalId = "crm-1", outcome = "won" },
                new { dealId = "opp-3", externalId = "crm-unknown", outcome = "won" },
                new { dealId = "opp-4", externalId = "crm-1", outcome = "won", amount = -1 },
                new { dealId = "opp-1", externalId = "crm-1", outcome = "lost" },
            },
        }), HttpStatusCode.Accepted);
        Assert.Equal([0, 3], batch["accepted"]!.AsArray().Select(a => a!["index"]!.GetValue<int>()));
        var rejected = batch["rejected"]!.AsArray();
        Assert.Equal([1, 2], rejected.Select(r => r!["index"]!.GetValue<int>()));
        Assert.True(rejected[0]!["errors"]!.AsObject().ContainsKey("externalId"));
        Assert.True(rejected[1]!["errors"]!.AsObject().ContainsKey("amount"));

        var report = await Body(await api.GetAsync($"/api/icps/{icpId}/gap-report"), HttpStatusCode.OK);
        Assert.Equal((3, 2, 1), (report["closedDeals"]!.GetValue<int>(), report["won"]!.GetValue<int>(), report["lost"]!.GetValue<int>()));

        // Another tenant sees none of it.
        var stranger = kit.Refinement(Guid.NewGuid());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/icps/{icpId}/gap-report")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await stranger.PostAsJsonAsync("/api/deals", new { externalId = "crm-1", outcome = "won" })).StatusCode);
    }

    /// <summary>Proposals are made by a review after deals arrive, not by reads: waits until the latest review saw <paramref name="deals"/> deals.</summary>
    private static Task<JsonObject> ReviewedProposalsAsync(HttpClient api, Guid icpId, int deals, int version = 1) =>
        Eventually.Until(async () => await Body(await api.GetAsync($"/api/icps/{icpId}/proposals"), HttpStatusCode.OK),
            p => p["reviewedDeals"]?.GetValue<int>() == deals && p["reviewedVersion"]?.GetValue<int>() == version,
            $"the review of {deals} deals against version {version} of ICP {icpId}");

    [Fact]
    public async Task The_gap_report_on_a_small_hand_computed_case()
    {
        var tenant = Guid.NewGuid();
        var icpId = await kit.PublishIcpAsync(tenant, """
            {"name": "small", "criteria": [
              {"key": "industry", "field": "company.industry", "operator": "in", "values": ["Manufacturing"], "weight": 60},
              {"key": "hiring", "field": "signals", "operator": "anyOf", "values": ["rapid_hiring"], "weight": 40}]}
            """);
        // Scores: d1 100 (A), d2 60 (B), d3 40 (C), d4 0 (D), d5 60 (B).
        (string Id, JsonElement Lead, string Outcome)[] deals =
        [
            ("d1", Lead("d1", "Manufacturing", "DE", 120, ["rapid_hiring"]), "won"),
            ("d2", Lead("d2", "Manufacturing", "US", 120, []), "won"),
            ("d3", Lead("d3", "Retail Trade", "DE", 120, ["rapid_hiring"]), "lost"),
            ("d4", Lead("d4", "Retail Trade", "US", 120, []), "won"),
            ("d5", Lead("d5", "Manufacturing", "DE", 120, []), "lost"),
        ];
        await kit.SendLeadsAsync(tenant, [.. deals.Select(d => (d.Id, d.Lead))]);
        var api = kit.Refinement(tenant);
        await Body(await api.PostAsJsonAsync("/api/deals/batch",
            new { deals = deals.Select(d => new { dealId = d.Id, externalId = d.Id, outcome = d.Outcome }) }), HttpStatusCode.Accepted);

        var report = await Body(await api.GetAsync($"/api/icps/{icpId}/gap-report"), HttpStatusCode.OK);

        Assert.Equal(icpId, report["icpId"]!.GetValue<Guid>());
        Assert.Equal(1, report["icpVersion"]!.GetValue<int>());
        Assert.Equal((5, 3, 2), (report["closedDeals"]!.GetValue<int>(), report["won"]!.GetValue<int>(), report["lost"]!.GetValue<int>()));
        Assert.Equal(0.6, report["winRate"]!.GetValue<double>());
        // Wins 100, 60, 0 against losses 40, 60: three pairs right, one tie, two wrong: 3.5 / 6.
        Assert.Equal(Math.Round(3.5 / 6, 4), report["auc"]!.GetValue<double>());
        Assert.Equal(Math.Round(2.0 / 3, 4), report["winsRankedAB"]!.GetValue<double>());
        Assert.Equal(0.5, report["lossesRankedAB"]!.GetValue<double>());

        var values = report["values"]!.AsArray();
        var manufacturing = values.Single(v => v!["field"]!.GetValue<string>() == "company.industry"
                                               && v["value"]!.GetValue<string>() == "Manufacturing")!;
        Assert.Equal(3, manufacturing["deals"]!.GetValue<int>());
        Assert.Equal(2, manufacturing["won"]!.GetValue<int>());
        Assert.Equal(Math.Round(2.0 / 3, 4), manufacturing["winRate"]!.GetValue<double>());
        Assert.Equal(0.5, manufacturing["winRateWithout"]!.GetValue<double>());
        Assert.Equal(Math.Round(2.0 / 3 / 0.6, 4), manufacturing["lift"]!.GetValue<double>());
        Assert.Equal(Math.Round(8.0 / 13, 4), manufacturing["shrunkWinRate"]!.GetValue<double>());
        var hiring = values.Single(v => v!["field"]!.GetValue<string>() == "signals")!;
        Assert.Equal((2, 1, 0.5), (hiring["deals"]!.GetValue<int>(), hiring["won"]!.GetValue<int>(), hiring["winRate"]!.GetValue<double>()));

        // Five deals: too few to calibrate a win probability, or to propose anything.
        Assert.Null(report["winProbability"]);
        Assert.True(report.ContainsKey("winProbability"));
        var proposals = await ReviewedProposalsAsync(api, icpId, 5);
        Assert.Empty(proposals["items"]!.AsArray());
        Assert.Contains("at least 40", proposals["note"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nothing_is_proposed_before_forty_won_and_forty_lost_deals()
    {
        var (tenant, icpId, deals) = await MarketWithDealsAsync(400, seed: 5, sendDeals: false);
        var fewWins = deals.Where(d => d.Won).Take(39).Concat(deals.Where(d => !d.Won).Take(100)).ToList();
        await SendDealsAsync(tenant, fewWins);
        var api = kit.Refinement(tenant);

        var none = await ReviewedProposalsAsync(api, icpId, fewWins.Count);
        Assert.Empty(none["items"]!.AsArray());
        Assert.Contains("39 won", none["note"]!.GetValue<string>());

        // Settings cannot lower the floor.
        await Body(await api.PutAsJsonAsync($"/api/icps/{icpId}/refinement", new { mode = "manual", minWon = 10, minLost = 10 }),
            HttpStatusCode.UnprocessableEntity);

        // The 40th win meets the rule: the evidence is judged (on so few deals the fit may still find nothing clear).
        await SendDealsAsync(tenant, deals.Where(d => d.Won).Skip(39).Take(1));
        var judged = await ReviewedProposalsAsync(api, icpId, fewWins.Count + 1);
        Assert.True(judged["items"]!.AsArray().Count == 1 || !judged["note"]!.GetValue<string>().Contains("at least 40"),
            judged.ToJsonString());
    }

    [Fact]
    public async Task A_proposal_raises_the_holdout_auc_and_accepting_it_publishes_the_next_version_through_the_icp_service()
    {
        var (tenant, icpId, _) = await MarketWithDealsAsync(800, seed: 21);
        var api = kit.Refinement(tenant, "carol");

        var list = await ReviewedProposalsAsync(api, icpId, 800);

        // Enough deals to calibrate: per tier the deals, wins, calibrated probability and the interval of its win rate.
        var report = await Body(await api.GetAsync($"/api/icps/{icpId}/gap-report"), HttpStatusCode.OK);
        var tiers = report["winProbability"]!["tiers"]!.AsArray();
        Assert.Equal(["A", "B", "C", "D", "disqualified"], tiers.Select(t => t!["tier"]!.GetValue<string>()));
        Assert.Equal(800, tiers.Sum(t => t!["deals"]!.GetValue<int>()));
        Assert.Equal(report["won"]!.GetValue<int>(), tiers.Sum(t => t!["won"]!.GetValue<int>()));
        foreach (var tier in tiers.Where(t => t!["deals"]!.GetValue<int>() > 0))
        {
            var rate = tier!["won"]!.GetValue<double>() / tier["deals"]!.GetValue<int>();
            Assert.InRange(rate, tier["low"]!.GetValue<double>() - 1e-4, tier["high"]!.GetValue<double>() + 1e-4);
            Assert.InRange(tier["probability"]!.GetValue<double>(), 0, 1);
        }
        var proposal = list["items"]!.AsArray().Single()!;
        Assert.Equal("pending", proposal["status"]!.GetValue<string>());
        var (current, expected) = (proposal["currentAuc"]!.GetValue<double>(), proposal["expectedAuc"]!.GetValue<double>());
        Assert.True(expected >= current + 0.03, $"holdout AUC {current} → {expected}");
        Assert.Equal(240, proposal["evidence"]!["holdoutDeals"]!.GetValue<int>());
        Assert.NotEmpty(proposal["changes"]!.AsArray());
        // The same evidence gives the same proposal, not another.
        Assert.Single((await Body(await api.GetAsync($"/api/icps/{icpId}/proposals"), HttpStatusCode.OK))["items"]!.AsArray());

        var proposalId = proposal["proposalId"]!.GetValue<Guid>();
        var accepted = await Body(await api.PostAsync($"/api/icps/{icpId}/proposals/{proposalId}/accept", null), HttpStatusCode.OK);
        Assert.Equal(2, accepted["version"]!.GetValue<int>());
        // Accepting again publishes nothing new.
        var again = await Body(await api.PostAsync($"/api/icps/{icpId}/proposals/{proposalId}/accept", null), HttpStatusCode.OK);
        Assert.Equal(2, again["version"]!.GetValue<int>());

        var icp = kit.Icp(tenant);
        var versions = (await icp.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/versions"))!;
        Assert.Equal(2, versions.Count);
        Assert.Equal("carol", versions[1]!["publishedBy"]!.GetValue<string>());
        Assert.Contains(proposalId.ToString(), versions[1]!["reason"]!.GetValue<string>());
        var published = (await icp.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/versions/2"))!;
        Assert.Equal(JsonNode.Parse(proposal["definition"]!.ToJsonString())!["criteria"]!.ToJsonString(),
            (published["definition"] ?? published)["criteria"]!.ToJsonString());

        await kit.WaitForVersionAsync(tenant, icpId, 2);
        var after = await Body(await api.GetAsync($"/api/icps/{icpId}/proposals"), HttpStatusCode.OK);
        var first = after["items"]!.AsArray().Single(p => p!["proposalId"]!.GetValue<Guid>() == proposalId)!;
        Assert.Equal(("accepted", 2, "carol"), (first["status"]!.GetValue<string>(), first["version"]!.GetValue<int>(),
            first["decidedBy"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_rejected_proposal_is_recorded_and_cannot_be_accepted_and_a_silent_icp_service_is_a_503()
    {
        var (tenant, icpId, _) = await MarketWithDealsAsync(500, seed: 8);
        var api = kit.Refinement(tenant, "dave");
        var proposalId = (await ReviewedProposalsAsync(api, icpId, 500))["items"]![0]!["proposalId"]!.GetValue<Guid>();

        var rejected = await Body(await api.PostAsJsonAsync($"/api/icps/{icpId}/proposals/{proposalId}/reject", new { reason = "not now" }),
            HttpStatusCode.OK);
        Assert.Equal(("rejected", "dave", "not now"), (rejected["status"]!.GetValue<string>(), rejected["decidedBy"]!.GetValue<string>(),
            rejected["decisionReason"]!.GetValue<string>()));
        await Body(await api.PostAsync($"/api/icps/{icpId}/proposals/{proposalId}/accept", null), HttpStatusCode.Conflict);
        await Body(await api.PostAsync($"/api/icps/{icpId}/proposals/{Guid.NewGuid()}/accept", null), HttpStatusCode.NotFound);

        // New evidence, a new proposal; with the ICP service down the accept times out as a 503 with Retry-After.
        await kit.StopIcpAsync();
        try
        {
            var fresh = await NewEvidenceProposalAsync(tenant, icpId, proposalId);
            var timedOut = await api.PostAsync($"/api/icps/{icpId}/proposals/{fresh}/accept", null);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, timedOut.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), timedOut.Headers.RetryAfter?.Delta);
        }
        finally
        {
            await kit.StartIcpAsync();
        }
    }

    /// <summary>Re-sends the tenant's first 30 leads' deals under new deal ids (new evidence) and returns the new pending proposal.</summary>
    private async Task<Guid> NewEvidenceProposalAsync(Guid tenant, Guid icpId, Guid previous)
    {
        var extra = SyntheticMarket.Draw(500, seed: 8).Take(30).Select(d => new
        {
            dealId = $"again-{d.ExternalId}", externalId = d.ExternalId, outcome = d.Won ? "won" : "lost", closedAt = d.ClosedAt,
        });
        var api = kit.Refinement(tenant);
        await Body(await api.PostAsJsonAsync("/api/deals/batch", new { deals = extra }), HttpStatusCode.Accepted);
        var list = await ReviewedProposalsAsync(api, icpId, 530);
        var pending = list["items"]!.AsArray().First(p => p!["status"]!.GetValue<string>() == "pending")!;
        Assert.NotEqual(previous, pending["proposalId"]!.GetValue<Guid>());
        return pending["proposalId"]!.GetValue<Guid>();
    }

    [Fact]
    public async Task Auto_mode_publishes_a_version_within_the_guardrails_when_deals_arrive()
    {
        var (tenant, icpId, deals) = await MarketWithDealsAsync(600, seed: 13, sendDeals: false);
        var api = kit.Refinement(tenant, "erin");
        await Body(await api.PutAsJsonAsync($"/api/icps/{icpId}/refinement", new { mode = "fast" }), HttpStatusCode.UnprocessableEntity);
        await Body(await api.PutAsJsonAsync($"/api/icps/{icpId}/refinement", new { mode = "auto", maxWeightChange = 0 }),
            HttpStatusCode.UnprocessableEntity);
        var settings = await Body(await api.PutAsJsonAsync($"/api/icps/{icpId}/refinement",
            new { mode = "auto", minWon = 40, minLost = 40, maxWeightChange = 5 }), HttpStatusCode.OK);
        Assert.Equal("auto", settings["mode"]!.GetValue<string>());

        await SendDealsAsync(tenant, deals);

        var icp = kit.Icp(tenant);
        var versions = await Eventually.Until(async () => (await icp.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/versions"))!,
            v => v.Count >= 2, "auto mode to publish version 2");
        Assert.Equal("refinement", versions[1]!["publishedBy"]!.GetValue<string>());
        Assert.Contains("holdout AUC", versions[1]!["reason"]!.GetValue<string>());

        var v1 = Weights(await icp.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/versions/1"));
        var v2 = Weights(await icp.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/versions/2"));
        foreach (var key in v1.Keys.Union(v2.Keys))
        {
            var moved = Math.Abs(v2.GetValueOrDefault(key) - v1.GetValueOrDefault(key));
            Assert.True(moved <= 5, $"{key} moved {moved} points: v1 {v1.GetValueOrDefault(key)}, v2 {v2.GetValueOrDefault(key)}");
        }
        Assert.NotEqual(v1.OrderBy(k => k.Key), v2.OrderBy(k => k.Key));

        // One version per arrival of deals: v2's publication reaching refinement does not trigger another
        // step. Once refinement knows v2, a cascade would publish v3 one debounce later; give it five.
        await Eventually.Until(async () => await Body(await api.GetAsync($"/api/icps/{icpId}/gap-report"), HttpStatusCode.OK),
            r => r["icpVersion"]!.GetValue<int>() == 2, "refinement to learn of version 2");
        await Task.Delay(RefinementKit.AutoDebounce * 5);
        Assert.Equal(2, (await icp.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/versions"))!.Count);
    }

    [Fact]
    public async Task The_icp_service_answers_a_redelivered_request_with_the_same_version_and_refuses_over_unpublished_edits()
    {
        var tenant = Guid.NewGuid();
        var icpId = await kit.PublishIcpAsync(tenant, SyntheticMarket.StatedJsonWithoutTiers);
        var definition = JsonNode.Parse(SyntheticMarket.StatedJsonWithoutTiers)!.AsObject();
        definition["criteria"]![0]!["values"] = new JsonArray("Manufacturing", "Wholesale Trade");
        var client = kit.Bus.CreateRequestClient<PublishRefinedIcp>(RequestTimeout.After(s: 20));
        var request = new PublishRefinedIcp(tenant, icpId, Guid.NewGuid(), 1, JsonSerializer.SerializeToElement(definition),
            "refinement", "evidence: Manufacturing wins");

        var first = await client.GetResponse<RefinedIcpPublished, RefinedIcpRefused>(request);
        var again = await client.GetResponse<RefinedIcpPublished, RefinedIcpRefused>(request);
        Assert.True(first.Is(out Response<RefinedIcpPublished>? published1));
        Assert.True(again.Is(out Response<RefinedIcpPublished>? published2));
        Assert.Equal((2, 2), (published1.Message.Version, published2.Message.Version));
        var icp = kit.Icp(tenant);
        Assert.Equal(2, (await icp.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/versions"))!.Count);
        var history = (await icp.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/history"))!;
        Assert.Contains(history, e => e!["type"]!.GetValue<string>() == "CriterionChanged" && e["by"]!.GetValue<string>() == "refinement"
                                      && e["reason"]!.GetValue<string>() == "evidence: Manufacturing wins");

        // Someone edits the draft: a refinement request for version 2 must not overwrite it.
        var etag = (await icp.GetAsync($"/api/icps/{icpId}")).Headers.ETag!.Tag;
        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/icps/{icpId}")
        {
            Content = JsonContent.Create(new { definition = JsonNode.Parse(SyntheticMarket.StatedJsonWithoutTiers), reason = "back to the stated ICP" }),
        };
        edit.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.OK, (await icp.SendAsync(edit)).StatusCode);
        var refused = await client.GetResponse<RefinedIcpPublished, RefinedIcpRefused>(request with { RequestId = Guid.NewGuid(), BaseVersion = 2 });
        Assert.True(refused.Is(out Response<RefinedIcpRefused>? no));
        Assert.Contains("unpublished edits", no.Message.Reason);
        var stale = await client.GetResponse<RefinedIcpPublished, RefinedIcpRefused>(request with { RequestId = Guid.NewGuid(), BaseVersion = 1 });
        Assert.True(stale.Is(out Response<RefinedIcpRefused>? moved));
        Assert.Contains("moved on", moved.Message.Reason);
    }

    private static Dictionary<string, decimal> Weights(JsonObject? version) =>
        (version!["definition"] ?? version)["criteria"]!.AsArray()
        .ToDictionary(c => c!["key"]!.GetValue<string>(), c => c!["weight"]!.GetValue<decimal>());

    [Fact]
    public async Task A_backtest_scores_a_draft_against_the_closed_deals_and_names_a_broken_criterion()
    {
        var (tenant, icpId, _) = await MarketWithDealsAsync(300, seed: 17);
        var api = kit.Refinement(tenant);
        var stated = JsonNode.Parse(SyntheticMarket.StatedJsonWithoutTiers)!.AsObject();

        var broken = stated.DeepClone().AsObject();
        broken["criteria"]![1]!["min"] = 900;
        var problem = await Body(await api.PostAsJsonAsync($"/api/icps/{icpId}/backtest", new { definition = broken }),
            HttpStatusCode.UnprocessableEntity);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("definition.criteria[1].min"), problem.ToJsonString());

        var same = await Body(await api.PostAsJsonAsync($"/api/icps/{icpId}/backtest", new { definition = stated }), HttpStatusCode.OK);
        var report = await Body(await api.GetAsync($"/api/icps/{icpId}/gap-report"), HttpStatusCode.OK);
        Assert.Equal(report["auc"]!.GetValue<double>(), same["auc"]!.GetValue<double>());
        Assert.Equal(300, same["closedDeals"]!.GetValue<int>());

        var better = stated.DeepClone().AsObject();
        better["criteria"]![0]!["values"] = new JsonArray("Manufacturing", "Wholesale Trade");
        better["criteria"]![3]!["values"] = new JsonArray("rapid_hiring");
        var improved = await Body(await api.PostAsJsonAsync($"/api/icps/{icpId}/backtest", new { definition = better }), HttpStatusCode.OK);
        Assert.True(improved["auc"]!.GetValue<double>() > same["auc"]!.GetValue<double>() + 0.03);
        Assert.True(improved["holdout"]!["auc"]!.GetValue<double>() > improved["holdout"]!["publishedAuc"]!.GetValue<double>());
    }
}
