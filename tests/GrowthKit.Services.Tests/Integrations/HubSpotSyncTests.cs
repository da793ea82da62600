using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Integrations.Connections;
using GrowthKit.Services.Tests.Infrastructure;
using GrowthKit.Services.Tests.Refinement;
using GrowthKit.Testing.Crm;
using Marten;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>
/// HubSpot syncs against a fake that plays its documented API, through the integrations service into
/// the real leads and refinement services on PostgreSQL and RabbitMQ. Each test has its own tenant and fake.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class HubSpotSyncTests(TestServers servers, CrmKit kit) : IClassFixture<CrmKit>, IAsyncLifetime
{
    public Task InitializeAsync() => kit.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    private static int Count(JsonObject sync, string counter) => sync[counter]!.GetValue<int>();

    [Fact]
    public async Task A_first_sync_takes_every_company_with_its_primary_contact_as_a_lead_and_reports_bad_records()
    {
        using var hubspot = new FakeHubSpot { RateLimitNext = 1 };
        for (var i = 1; i <= 450; i++) hubspot.AddCompany($"{i}", $"Company {i}");
        hubspot.AddCompany("451", name: "");
        for (var i = 1; i <= 30; i++) hubspot.AddContact($"{i}", $"{1000 + i}", "Head of Operations");
        var tenant = Guid.NewGuid();

        var sync = await kit.ConnectAndSyncAsync(tenant, "hubspot", FakeHubSpot.Token, hubspot.Url);

        Assert.Equal("finished", sync["status"]!.GetValue<string>());
        Assert.Equal(451, Count(sync, "companies"));
        Assert.Equal(30, Count(sync, "contacts"));
        Assert.Equal(450, Count(sync, "leadsUpserted"));
        Assert.Equal(1, Count(sync, "errors"));
        var error = Assert.Single(sync["errorDetails"]!.AsArray())!;
        Assert.Equal("hubspot:company:451", error["record"]!.GetValue<string>());
        Assert.Contains("company.name", error["message"]!.GetValue<string>());

        var lead = Assert.Single(await kit.SnapshotsAsync(tenant, "hubspot:company:7")).Lead;
        Assert.Equal("Information", lead.Company!.Industry); // COMPUTER_SOFTWARE, normalised to its NAICS sector
        Assert.Equal("DE", lead.Company.Country);
        Assert.Equal(120, lead.Company.EmployeeCount);
        Assert.Equal("Head of Operations", lead.Contact!.Title);
        Assert.Null(Assert.Single(await kit.SnapshotsAsync(tenant, "hubspot:company:40")).Lead.Contact);
        Assert.Equal(450, await kit.LeadSnapshotsAsync(tenant));

        // Searches: one sort, ascending, at most 200 a page, paged with after; the 429 was waited out.
        var searches = hubspot.CallsTo("POST", "/crm/v3/objects/companies/search").ToList();
        Assert.All(searches, s => Assert.Equal(200, s.Body!["limit"]!.GetValue<int>()));
        Assert.All(searches, s => Assert.Equal("ASCENDING", s.Body!["sorts"]![0]!["direction"]!.GetValue<string>()));
        Assert.Equal(["200", "400"], searches.Select(s => s.Body!["after"]?.GetValue<string>()).OfType<string>().Distinct());
        Assert.True(searches[1].At - searches[0].At >= TimeSpan.FromSeconds(0.9), "the 429's Retry-After was not waited for");

        // The token is neither returned nor stored in clear.
        using var api = kit.Integrations(tenant);
        var connection = await api.GetStringAsync("/api/integrations/hubspot");
        Assert.DoesNotContain(FakeHubSpot.Token, connection);
        Assert.Contains("\"status\":\"connected\"", connection);
        await using var session = kit.IntegrationsStore.QuerySession(tenant.ToString());
        var stored = await session.LoadAsync<CrmConnection>("hubspot");
        Assert.DoesNotContain(FakeHubSpot.Token, stored!.ProtectedToken);
    }

    [Fact]
    public async Task An_incremental_sync_reads_from_the_cursor_less_the_overlap_and_sends_only_what_changed()
    {
        using var hubspot = new FakeHubSpot();
        for (var i = 1; i <= 250; i++) hubspot.AddCompany($"{i}", $"Company {i}");
        var tenant = Guid.NewGuid();
        await kit.ConnectAndSyncAsync(tenant, "hubspot", FakeHubSpot.Token, hubspot.Url);
        using var api = kit.Integrations(tenant);
        var cursor = long.Parse((await api.GetFromJsonAsync<JsonObject>("/api/integrations/hubspot"))!["cursor"]!["companies"]!.GetValue<string>(),
            CultureInfo.InvariantCulture);

        hubspot.Touch("3", "numberofemployees", "900");
        hubspot.Touch("4", "country", "France");
        hubspot.AddCompany("251", "Company 251");
        var calls = hubspot.Calls.Count;
        var sync = await kit.SyncAsync(tenant, "hubspot");

        Assert.Equal("finished", sync["status"]!.GetValue<string>());
        Assert.Equal(3, Count(sync, "leadsUpserted"));
        var search = hubspot.Calls.Skip(calls).First(c => c.Path == "/crm/v3/objects/companies/search");
        var since = long.Parse(search.Body!["filterGroups"]![0]!["filters"]![0]!["value"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.Equal(cursor - (long)TimeSpan.FromMinutes(5).TotalMilliseconds, since);
        var snapshots = await kit.SnapshotsAsync(tenant, "hubspot:company:3");
        Assert.Equal([120m, 900m], snapshots.Select(s => s.Lead.Company!.EmployeeCount));

        // Nothing changed: a re-sync sends nothing and records nothing.
        var again = await kit.SyncAsync(tenant, "hubspot");
        Assert.Equal(0, Count(again, "leadsUpserted"));
        Assert.Equal(253, await kit.LeadSnapshotsAsync(tenant));
    }

    [Fact]
    public async Task A_search_past_10000_results_starts_again_from_the_last_timestamp_and_misses_nothing()
    {
        using var hubspot = new FakeHubSpot();
        const int total = 10_350;
        for (var i = 1; i <= total; i++) hubspot.AddCompany($"{i}", $"Company {i}", modified: hubspot.Tick(i % 3 == 0 ? 0 : 1000));
        var tenant = Guid.NewGuid();

        var sync = await kit.ConnectAndSyncAsync(tenant, "hubspot", FakeHubSpot.Token, hubspot.Url);

        Assert.Equal("finished", sync["status"]!.GetValue<string>());
        Assert.Equal(0, Count(sync, "errors"));
        Assert.Equal(total, Count(sync, "leadsUpserted"));
        Assert.Equal(total, await kit.LeadSnapshotsAsync(tenant));
        var searches = hubspot.CallsTo("POST", "/crm/v3/objects/companies/search").Select(c => c.Body!).ToList();
        Assert.All(searches, s => Assert.True(int.Parse(s["after"]?.GetValue<string>() ?? "0", CultureInfo.InvariantCulture) + 200 <= FakeHubSpot.SearchCap));
        var restarts = searches.Where(s => s["after"] is null && s["filterGroups"]![0]!["filters"]![0]!["value"]!.GetValue<string>() != "0").ToList();
        Assert.Single(restarts);
    }

    [Fact]
    public async Task Closed_deals_become_outcomes_of_their_companys_lead_and_feed_the_gap_report()
    {
        using var hubspot = new FakeHubSpot();
        var tenant = Guid.NewGuid();
        var icpId = await kit.Refinement.PublishIcpAsync(tenant, SyntheticMarket.StatedJsonWithoutTiers);
        for (var i = 1; i <= 12; i++) hubspot.AddCompany($"{i}", $"Company {i}", industry: i % 2 == 0 ? "LOGISTICS_AND_SUPPLY_CHAIN" : "RETAIL");
        for (var i = 1; i <= 10; i++) hubspot.AddDeal($"{500 + i}", $"{i}", closed: true, won: i % 2 == 0, amount: 1000 * i, lostReason: "Budget");
        hubspot.AddDeal("599", "11", closed: false, won: false, amount: 5); // open: not an outcome
        hubspot.AddDeal("598", "99", closed: true, won: true, amount: 5); // its company was never synced
        hubspot.DealCompany.Remove("598");

        var sync = await kit.ConnectAndSyncAsync(tenant, "hubspot", FakeHubSpot.Token, hubspot.Url);

        Assert.Equal("finished", sync["status"]!.GetValue<string>());
        Assert.Equal(10, Count(sync, "dealsRecorded"));
        Assert.Equal(11, Count(sync, "deals"));
        Assert.Contains(sync["errorDetails"]!.AsArray(), e => e!["record"]!.GetValue<string>() == "hubspot:deal:598");
        // Only closed deals are asked for, by the string property.
        Assert.All(hubspot.CallsTo("POST", "/crm/v3/objects/deals/search"), c =>
            Assert.Contains(c.Body!["filterGroups"]![0]!["filters"]!.AsArray(), f => f!["propertyName"]!.GetValue<string>() == "hs_is_closed"
                                                                                    && f["value"]!.GetValue<string>() == "true"));

        using var refinement = kit.Refinement.Refinement(tenant);
        var report = (await refinement.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/gap-report"))!;
        Assert.Equal(10, report["closedDeals"]!.GetValue<int>());
        Assert.Equal(5, report["won"]!.GetValue<int>());
        Assert.Equal(5, report["lost"]!.GetValue<int>());

        // Synced again, nothing is recorded twice.
        var again = await kit.SyncAsync(tenant, "hubspot");
        Assert.Equal(0, Count(again, "dealsRecorded"));
        report = (await refinement.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/gap-report"))!;
        Assert.Equal(10, report["closedDeals"]!.GetValue<int>());
    }

    [Fact]
    public async Task Scores_are_written_back_creating_the_properties_once_and_a_rescoring_overwrites_them()
    {
        using var hubspot = new FakeHubSpot();
        for (var i = 1; i <= 150; i++) hubspot.AddCompany($"{i}", $"Company {i}");
        var tenant = Guid.NewGuid();
        await kit.ConnectAndSyncAsync(tenant, "hubspot", FakeHubSpot.Token, hubspot.Url);
        var icpId = Guid.NewGuid();
        RecordedScore Score(int company, decimal score, string tier, int version) =>
            new(RefinementKit.LeadId(tenant, $"hubspot:company:{company}"), $"hubspot:company:{company}", icpId, version, 1, score, tier,
                null, ["industry", "size", "country", "signals"], DateTimeOffset.UtcNow);

        await kit.Bus.Publish(new ScoresRecorded(tenant, [.. Enumerable.Range(1, 150).Select(i => Score(i, 80, "A", 1))]));
        await Eventually.Until(() => hubspot.CompanyUpdates.Count == 150, "150 companies updated");
        Assert.True(hubspot.GroupExists);
        Assert.Equal(["growthkit_reasons", "growthkit_score", "growthkit_tier"], hubspot.Properties.Keys.Order());
        Assert.Equal("enumeration", hubspot.Properties["growthkit_tier"]["type"]!.GetValue<string>());
        Assert.Equal("number", hubspot.Properties["growthkit_score"]["type"]!.GetValue<string>());
        Assert.Equal("80", hubspot.CompanyUpdates["7"]["growthkit_score"]);
        Assert.Equal("industry, size, country", hubspot.CompanyUpdates["7"]["growthkit_reasons"]);
        Assert.Equal([100, 50], hubspot.CallsTo("POST", "/crm/v3/objects/companies/batch/update").Select(c => c.Body!["inputs"]!.AsArray().Count));

        // A re-scoring (a new ICP version) writes the new values; the properties are not made again.
        await kit.Bus.Publish(new ScoresRecorded(tenant, [Score(7, 42.5m, "C", 2), Score(8, 10, "D", 2)]));
        await Eventually.Until(() => hubspot.CompanyUpdates["7"]["growthkit_tier"] == "C", "company 7 rescored");
        Assert.Equal("42.5", hubspot.CompanyUpdates["7"]["growthkit_score"]);
        Assert.Equal("D", hubspot.CompanyUpdates["8"]["growthkit_tier"]);
        Assert.Single(hubspot.CallsTo("POST", "/crm/v3/properties/companies/groups"));
        Assert.Equal(3, hubspot.CallsTo("POST", "/crm/v3/properties/companies").Count(c => c.Path == "/crm/v3/properties/companies"));
    }

    [Fact]
    public async Task A_sync_stopped_in_the_middle_resumes_after_its_last_page_without_duplicates()
    {
        using var hubspot = new FakeHubSpot();
        for (var i = 1; i <= 600; i++) hubspot.AddCompany($"{i}", $"Company {i}");
        var tenant = Guid.NewGuid();
        var release = new TaskCompletionSource();
        hubspot.Hold = (c => c.Path == "/crm/v3/objects/companies/search" && c.Body?["after"]?.GetValue<string>() == "400", release);
        using (var api = kit.Integrations(tenant))
        {
            var connected = await api.PutAsJsonAsync("/api/integrations/hubspot", new { accessToken = FakeHubSpot.Token, baseUrl = hubspot.Url });
            Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/integrations/hubspot/sync", null)).StatusCode);
        }
        await kit.WaitForSyncAsync(tenant, "hubspot", s => Count(s, "companies") == 400);

        // The process stops while the third page is on its way: the run stays "running" at its last saved page.
        await kit.StopIntegrationsAsync();
        release.SetResult();
        hubspot.Hold = null;
        await kit.StartIntegrationsAsync(sweep: TimeSpan.FromSeconds(1));

        var sync = await kit.WaitForSyncAsync(tenant, "hubspot", s => s["status"]!.GetValue<string>() != "running");
        Assert.Equal("finished", sync["status"]!.GetValue<string>());
        Assert.Equal(600, Count(sync, "leadsUpserted"));
        Assert.Equal(600, await kit.LeadSnapshotsAsync(tenant));
        // The resumed search started from the saved cursor, less the overlap, not from the beginning.
        var resumed = hubspot.CallsTo("POST", "/crm/v3/objects/companies/search")
            .Where(c => c.Body!["after"] is null).Select(c => c.Body!["filterGroups"]![0]!["filters"]![0]!["value"]!.GetValue<string>()).ToList();
        Assert.Equal(2, resumed.Count);
        Assert.NotEqual("0", resumed[1]);

        // Back to a host whose scheduler starts nothing beside the other tests' syncs.
        await kit.StopIntegrationsAsync();
        await kit.StartIntegrationsAsync();
    }

    [Fact]
    public async Task A_failing_crm_fails_the_sync_with_its_reason_and_the_next_sync_continues_from_the_cursor()
    {
        using var hubspot = new FakeHubSpot();
        for (var i = 1; i <= 500; i++) hubspot.AddCompany($"{i}", $"Company {i}");
        hubspot.FailingOffsets.Add(400);
        var tenant = Guid.NewGuid();

        var failed = await kit.ConnectAndSyncAsync(tenant, "hubspot", FakeHubSpot.Token, hubspot.Url);
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Contains("500", failed["failure"]!.GetValue<string>());
        Assert.Equal(400, Count(failed, "leadsUpserted"));
        using var api = kit.Integrations(tenant);
        Assert.Equal("failing", (await api.GetFromJsonAsync<JsonObject>("/api/integrations/hubspot"))!["status"]!.GetValue<string>());

        hubspot.FailingOffsets.Clear();
        var resumed = await kit.SyncAsync(tenant, "hubspot");
        Assert.Equal("finished", resumed["status"]!.GetValue<string>());
        Assert.Equal(100, Count(resumed, "leadsUpserted"));
        Assert.Equal(500, await kit.LeadSnapshotsAsync(tenant));
    }

    [Fact]
    public async Task A_wrong_token_fails_the_sync_without_showing_the_token()
    {
        using var hubspot = new FakeHubSpot();
        hubspot.AddCompany("1", "Company 1");
        var tenant = Guid.NewGuid();

        var sync = await kit.ConnectAndSyncAsync(tenant, "hubspot", "pat-na1-wrong-token", hubspot.Url);

        Assert.Equal("failed", sync["status"]!.GetValue<string>());
        Assert.Contains("401", sync["failure"]!.GetValue<string>());
        Assert.DoesNotContain("pat-na1-wrong-token", sync.ToJsonString());
    }

    [Fact]
    public async Task Connections_refuse_bad_input_with_problems()
    {
        var tenant = Guid.NewGuid();
        using var api = kit.Integrations(tenant);

        var unknown = await api.PutAsJsonAsync("/api/integrations/salesforce", new { accessToken = "x" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
        var noToken = await api.PutAsJsonAsync("/api/integrations/hubspot", new { baseUrl = "https://api.hubapi.com" });
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Contains("accessToken", (await noToken.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        var badUrl = await api.PutAsJsonAsync("/api/integrations/pipedrive", new { accessToken = "abc", baseUrl = "ftp://example.com" });
        Assert.Equal(HttpStatusCode.BadRequest, badUrl.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/integrations/hubspot")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/api/integrations/hubspot/sync", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync("/api/integrations/hubspot")).StatusCode);

        var connected = await api.PutAsJsonAsync("/api/integrations/pipedrive", new { accessToken = "abc" });
        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        Assert.Equal("pipedrive", (await connected.Content.ReadFromJsonAsync<JsonObject>())!["kind"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/integrations/pipedrive")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/integrations/pipedrive")).StatusCode);
    }
}
