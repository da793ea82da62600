using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Services.Tests.Infrastructure;
using static GrowthKit.Services.Tests.Scoring.ScoringKit;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>GET /api/leads ranks a tenant's leads by their score for the latest version of an ICP.</summary>
[Collection(ServersCollection.Name)]
public sealed class ListLeadsTests(TestServers servers, ScoringService scoring)
    : IClassFixture<ScoringService>, IAsyncLifetime
{
    public Task InitializeAsync() => scoring.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(Guid Tenant, Guid IcpId, List<GrowthKit.Contracts.LeadReceived> Leads)> RankedTenantAsync(int count)
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        var leads = ManyLeads(tenant, count);
        await scoring.PushAsync(tenant, leads);
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        return (tenant, icpId, leads);
    }

    [Fact]
    public async Task Lists_best_first_then_by_lead_id_and_pages_with_a_cursor()
    {
        var (tenant, icpId, leads) = await RankedTenantAsync(70);
        using var client = scoring.ClientFor(tenant);

        var items = await AllPagesAsync(client, $"/api/leads?icpId={icpId}&limit=8");

        var expected = leads
            .Select((l, i) => (LeadId: l.LeadId.ToString(), Expected[i % Expected.Length].Score))
            .OrderByDescending(x => x.Score).ThenBy(x => x.LeadId, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, items.Select(i => (i["leadId"]!.GetValue<string>(), i["score"]!["score"]!.GetValue<decimal>())));
        var first = items[0];
        Assert.Equal("Acme Logistics GmbH", first["company"]!["name"]!.GetValue<string>());
        Assert.Equal((icpId.ToString(), 1, "A"), (first["score"]!["icpId"]!.GetValue<string>(),
            first["score"]!["icpVersion"]!.GetValue<int>(), first["score"]!["tier"]!.GetValue<string>()));
        Assert.StartsWith("sha256:", first["score"]!["inputHash"]!.GetValue<string>());
        Assert.StartsWith("crm-", first["externalId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Filters_by_tier_and_minimum_score()
    {
        var (tenant, icpId, _) = await RankedTenantAsync(21);
        using var client = scoring.ClientFor(tenant);

        var b = await AllPagesAsync(client, $"/api/leads?icpId={icpId}&tier=B");
        Assert.Equal(6, b.Count);
        Assert.All(b, i => Assert.Equal("B", i["score"]!["tier"]!.GetValue<string>()));
        Assert.Equal([72.7m, 72.7m, 72.7m, 63.6m, 63.6m, 63.6m], b.Select(i => i["score"]!["score"]!.GetValue<decimal>()));

        var disqualified = await AllPagesAsync(client, $"/api/leads?icpId={icpId}&tier=disqualified");
        Assert.Equal(3, disqualified.Count);
        Assert.All(disqualified, i => Assert.Equal("too-small", i["score"]!["disqualifiedBy"]!["key"]!.GetValue<string>()));

        var atLeast70 = await AllPagesAsync(client, $"/api/leads?icpId={icpId}&minScore=70&limit=2");
        Assert.Equal([100m, 100m, 100m, 90.9m, 90.9m, 90.9m, 72.7m, 72.7m, 72.7m],
            atLeast70.Select(i => i["score"]!["score"]!.GetValue<decimal>()));

        var bAbove70 = await AllPagesAsync(client, $"/api/leads?icpId={icpId}&tier=B&minScore=70");
        Assert.Equal(3, bAbove70.Count);
    }

    [Fact]
    public async Task Ranks_by_the_latest_published_version()
    {
        var (tenant, icpId, leads) = await RankedTenantAsync(7);
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 2, Samples.ChangedDefinition()));
        await scoring.WaitForRescoringAsync(tenant, icpId, 2);
        using var client = scoring.ClientFor(tenant);

        var items = await AllPagesAsync(client, $"/api/leads?icpId={icpId}");

        Assert.Equal(7, items.Count);
        Assert.All(items, i => Assert.Equal(2, i["score"]!["icpVersion"]!.GetValue<int>()));
        // v2 weighs pain 12: the sales lead (variant 3) scores 100 × 70 / 112 = 62.5.
        Assert.Equal(62.5m, items.Single(i => i["leadId"]!.GetValue<string>() == leads[3].LeadId.ToString())["score"]!["score"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Rejects_a_missing_icp_id_a_bad_tier_limit_or_cursor_and_answers_404_for_an_unknown_icp()
    {
        var (tenant, icpId, _) = await RankedTenantAsync(1);
        using var client = scoring.ClientFor(tenant);

        await AssertProblemAsync(client, "/api/leads", HttpStatusCode.BadRequest, "icpId");
        await AssertProblemAsync(client, "/api/leads?icpId=nope", HttpStatusCode.BadRequest, "icpId");
        await AssertProblemAsync(client, $"/api/leads?icpId={icpId}&tier=Z", HttpStatusCode.BadRequest, "tier");
        await AssertProblemAsync(client, $"/api/leads?icpId={icpId}&minScore=high", HttpStatusCode.BadRequest, "minScore");
        await AssertProblemAsync(client, $"/api/leads?icpId={icpId}&limit=1001", HttpStatusCode.BadRequest, "limit");
        await AssertProblemAsync(client, $"/api/leads?icpId={icpId}&limit=0", HttpStatusCode.BadRequest, "limit");
        await AssertProblemAsync(client, $"/api/leads?icpId={icpId}&cursor=garbage", HttpStatusCode.BadRequest, "cursor");
        using var unknown = await client.GetAsync($"/api/leads?icpId={Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var foreign = await scoring.ClientFor(Guid.NewGuid()).GetAsync($"/api/leads?icpId={icpId}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var max = await client.GetAsync($"/api/leads?icpId={icpId}&limit=1000");
        Assert.Equal(HttpStatusCode.OK, max.StatusCode);
    }

    private static async Task<List<JsonObject>> AllPagesAsync(HttpClient client, string path)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await client.GetFromJsonAsync<JsonObject>(path + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))))!;
            items.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(++pages < 1000, "the cursor never ends");
        } while (cursor is not null);
        return items;
    }

    private static async Task AssertProblemAsync(HttpClient client, string path, HttpStatusCode status, string field)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(problem["errors"]?[field]);
    }
}
