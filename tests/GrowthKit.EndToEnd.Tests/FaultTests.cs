using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// Crashes: the scoring process is killed outright (SIGKILL) while 10,000 leads are in flight, and the
/// AppHost's supervisor starts it again; nothing that was accepted is lost, and nothing is scored twice.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class FaultTests(GrowthKitApp system)
{
    private const int Batches = 10;
    private const int BatchSize = 1000;
    private const int Leads = Batches * BatchSize;

    [Fact]
    public async Task Ten_thousand_leads_in_flight_when_scoring_is_killed_are_scored_exactly_once_after_the_supervisor_restarts_it()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        await tenant.Api.Publish(icpId);
        await using var database = NpgsqlDataSource.Create(
            await system.App.GetConnectionStringAsync("growthkit", cts.Token)
            ?? throw new InvalidOperationException("No connection string for the database."));

        var accepted = new List<Guid>();
        try
        {
            // Half the leads go in while scoring runs; it is killed mid-way through them, as soon as
            // its first scores are committed; the other half arrive while it is down or starting again.
            for (var b = 0; b < Batches / 2; b++) accepted.AddRange(await PushBatchAsync(tenant.Api, b));
            var atKill = await WaitForLedgerAsync(database, tenant.TenantId, entries => entries.Total > 0, cts.Token);
            await ResourceProcesses.KillAsync(system.App, "scoring", cts.Token);
            Assert.True(atKill.Total < Leads / 2, $"scoring was killed after it had scored {atKill.Total} leads, not mid-way");

            for (var b = Batches / 2; b < Batches; b++) accepted.AddRange(await PushBatchAsync(tenant.Api, b));
            Assert.Equal(Leads, accepted.Distinct().Count());

            // Nobody starts it: the supervisor does.
            await ResourceProcesses.WaitForHealthyAsync(system.App, "scoring", cts.Token);
        }
        finally
        {
            // Leave the shared system whole for the other tests, whatever happened above.
            using var whole = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await ResourceProcesses.EnsureRunningAsync(system.App, "scoring", whole.Token);
        }

        // None lost: the ledger holds a score for every accepted lead. None doubled: one entry each,
        // however often the killed consumer's unacknowledged batches are redelivered.
        var ledger = await WaitForLedgerAsync(database, tenant.TenantId, entries => entries.Total >= Leads, cts.Token);
        await Task.Delay(TimeSpan.FromSeconds(3), cts.Token); // time for any late redelivery to (not) add one
        ledger = await ReadLedgerAsync(database, tenant.TenantId, cts.Token);
        Assert.Equal((Leads, Leads), (ledger.Total, ledger.DistinctLeads));

        // And what API consumers see agrees: every accepted lead listed once, with API.md's 72.7.
        var listed = await ListAllAsync(tenant.Api, $"/api/leads?icpId={icpId}&limit=1000", cts.Token);
        Assert.Equal(Leads, listed.Count);
        Assert.Equal(accepted.Order(), listed.Select(l => Guid.Parse(l["leadId"]!.GetValue<string>())).Order());
        Assert.All(listed, l => Assert.Equal(72.7m, l["score"]!["score"]!.GetValue<decimal>()));
        var sample = await tenant.Api.GetFromJsonAsync<JsonObject>($"/api/leads/{accepted[^1]}/scores", cts.Token);
        Assert.Single(sample!["items"]!.AsArray());
    }

    private static async Task<IReadOnlyList<Guid>> PushBatchAsync(HttpClient api, int batch)
    {
        var leads = Enumerable.Range(0, BatchSize).Select(i => Samples.Lead($"in-flight-{batch}-{i}")).ToList();
        using var response = await api.PostAsJsonAsync("/api/leads/batch", new { leads });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadObject();
        Assert.Empty(body["rejected"]!.AsArray());
        return [.. body["accepted"]!.AsArray().Select(a => Guid.Parse(a!["leadId"]!.GetValue<string>()))];
    }

    private sealed record Ledger(long Total, long DistinctLeads);

    /// <summary>Every score entry of the tenant's ledger events (the events, not the index rows beside them).</summary>
    private static async Task<Ledger> ReadLedgerAsync(NpgsqlDataSource database, Guid tenantId, CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            select count(*), count(distinct s ->> 'leadId')
            from scoring.mt_events e, jsonb_array_elements(e.data -> 'scores') s
            where e.tenant_id = $1 and e.type = 'leads_scored'
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId.ToString() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Ledger(reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<Ledger> WaitForLedgerAsync(NpgsqlDataSource database, Guid tenantId, Func<Ledger, bool> done,
        CancellationToken ct)
    {
        while (true)
        {
            var ledger = await ReadLedgerAsync(database, tenantId, ct);
            if (done(ledger)) return ledger;
            await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
        }
    }

    private static async Task<List<JsonObject>> ListAllAsync(HttpClient api, string path, CancellationToken ct)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = (await api.GetFromJsonAsync<JsonObject>(
                path + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), ct))!;
            items.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        return items;
    }
}
