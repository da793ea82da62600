using System.Net;
using CsvHelper;
using GrowthKit.Model;
using GrowthKit.Services.Tests.Infrastructure;
using static GrowthKit.Services.Tests.Scoring.ScoringKit;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary><c>GET /api/leads/export?icpId=</c>: the ranking of the latest published version, as CSV.</summary>
[Collection(ServersCollection.Name)]
public sealed class ExportLeadsTests(TestServers servers, ScoringService scoring) : IClassFixture<ScoringService>, IAsyncLifetime
{
    public Task InitializeAsync() => scoring.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    private static List<Dictionary<string, string>> Rows(string csv)
    {
        using var reader = CsvReader.FromText(csv);
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            rows.Add(reader.Headers.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => reader.GetString(x.i)));
        }
        return rows;
    }

    [Fact]
    public async Task The_export_lists_every_scored_lead_best_first_with_score_and_tier_of_the_latest_version()
    {
        var tenant = Guid.NewGuid();
        var leads = Enumerable.Range(0, Expected.Length).Select(i => Received(tenant, Variant($"crm-{i}", i))).ToArray();
        leads[0] = Received(tenant, Variant("=HYPERLINK(\"x\")", 0));
        await scoring.PublishAndWaitAsync(Batch(tenant, leads));
        var icpId = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 2, Samples.ChangedDefinition()));
        await scoring.WaitForRescoringAsync(tenant, icpId, 2);

        using var api = scoring.ClientFor(tenant);
        using var response = await api.GetAsync($"/api/leads/export?icpId={icpId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("leadId,externalId,company.name,", text);
        var rows = Rows(text);

        Assert.Equal(Expected.Length, rows.Count);
        Assert.All(rows, r => Assert.Equal(("2", icpId.ToString()), (r["icpVersion"], r["icpId"])));
        // The same order and figures as the JSON ranking of version 2.
        var listed = (await api.GetFromJsonAsyncSafe($"/api/leads?icpId={icpId}&limit=100"))["items"]!.AsArray();
        Assert.Equal(listed.Select(l => l!["leadId"]!.GetValue<string>()), rows.Select(r => r["leadId"]));
        Assert.Equal(listed.Select(l => l!["score"]!["score"]!.GetValue<decimal>().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            rows.Select(r => r["score"]));
        Assert.Equal(listed.Select(l => l!["score"]!["tier"]!.GetValue<string>()), rows.Select(r => r["tier"]));
        var tiny = Assert.Single(rows, r => r["tier"] == "disqualified");
        Assert.Equal(("crm-6", "too-small", "Tiny Logistics", "5", "DE"),
            (tiny["externalId"], tiny["disqualifiedBy"], tiny["company.name"], tiny["company.employeeCount"], tiny["company.country"]));
        // A cell a spreadsheet would run as a formula is written as text.
        Assert.Contains(rows, r => r["externalId"] == "'=HYPERLINK(\"x\")");
    }

    [Fact]
    public async Task A_missing_or_unknown_icp_is_a_problem()
    {
        var tenant = Guid.NewGuid();
        using var api = scoring.ClientFor(tenant);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/leads/export")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/leads/export?icpId=nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/leads/export?icpId={Guid.NewGuid()}")).StatusCode);

        // Another tenant's ICP is not found either.
        var owner = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(owner, icpId, 1));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/leads/export?icpId={icpId}")).StatusCode);
    }
}

internal static class JsonClient
{
    public static async Task<System.Text.Json.Nodes.JsonObject> GetFromJsonAsyncSafe(this HttpClient client, string uri) =>
        (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(client, uri))!;
}
