using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Leads;
using GrowthKit.Model;
using GrowthKit.Refinement;
using GrowthKit.Scoring;
using GrowthKit.ServiceDefaults;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using KnownIcp = GrowthKit.Refinement.Icps.KnownIcp;
using LeadSnapshotRecorded = GrowthKit.Leads.LeadSnapshotRecorded;
using LeadsMartenTables = GrowthKit.Leads.Storage.MartenTables;
using LeadsScored = GrowthKit.Scoring.Ledger.LeadsScored;
using ScoreEntry = GrowthKit.Scoring.Ledger.ScoreEntry;
using LedgerEventTypes = GrowthKit.Scoring.Ledger.LedgerEventTypes;
using RefinementMartenTables = GrowthKit.Refinement.Storage.MartenTables;
using ScoringMartenTables = GrowthKit.Scoring.Storage.MartenTables;
using SnapshotAppender = GrowthKit.Leads.Receiving.SnapshotAppender;

namespace GrowthKit.Services.Tests.Storage;

/// <summary>
/// Each service's one file that touches Marten's own tables (<c>Storage/MartenTables.cs</c>) against the
/// schema Marten itself makes (the service's <c>db-apply</c> on an empty database): every column the
/// file names exists with the type it expects, and its statements run. A Marten upgrade that changes
/// those tables fails here, not in production.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class MartenTablesTests(TestServers servers)
{
    [Fact]
    public async Task Scoring_reads_single_ledger_entries_from_the_event_table_Marten_makes()
    {
        var database = await servers.CreateDatabaseAsync("mtscoring");
        var app = await MigratedAsync(database, b => b.AddScoringServices());
        try
        {
            await AssertColumnsAsync(database, "scoring", ScoringMartenTables.Columns);

            var store = app.Services.GetRequiredService<IDocumentStore>();
            var tenant = Guid.NewGuid();
            var batchId = Guid.CreateVersion7();
            var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
            ScoreEntry[] scores =
            [
                new(Guid.NewGuid(), Guid.NewGuid(), 1, 1, 71.5m, "B", [], null, "m1", "sha256:aa", now),
                new(Guid.NewGuid(), Guid.NewGuid(), 2, 3, 12m, "disqualified", [], new DisqualifiedBy("k", "why"), "m1", "sha256:bb", now),
            ];
            await using (var session = store.LightweightSession(tenant.ToString()))
            {
                session.Events.StartStream(batchId, new LeadsScored(batchId, scores, now));
                await session.SaveChangesAsync();
            }

            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            var read = await ScoringMartenTables.ReadEntriesAsync<ScoreEntry>(connection, tenant, LedgerEventTypes.LeadsScored, "scores",
                [(batchId, 1), (batchId, 0)], CancellationToken.None);
            Assert.Equal([CanonicalJson.Of(scores[1]), CanonicalJson.Of(scores[0])], read.Select(s => CanonicalJson.Of(s)));
            // Another tenant's or another type's entries are not read: the statement filters on both columns.
            await Assert.ThrowsAsync<InvalidOperationException>(() => ScoringMartenTables.ReadEntriesAsync<ScoreEntry>(connection,
                Guid.NewGuid(), LedgerEventTypes.LeadsScored, "scores", [(batchId, 0)], CancellationToken.None));
            await Assert.ThrowsAsync<InvalidOperationException>(() => ScoringMartenTables.ReadEntriesAsync<ScoreEntry>(connection,
                tenant, LedgerEventTypes.LeadSnapshotsRecorded, "scores", [(batchId, 0)], CancellationToken.None));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Refinement_reads_every_tenants_known_icps_from_the_document_table_Marten_makes()
    {
        var database = await servers.CreateDatabaseAsync("mtrefine");
        var app = await MigratedAsync(database, b => b.AddRefinementServices());
        try
        {
            await AssertColumnsAsync(database, "refinement", RefinementMartenTables.Columns);

            var store = app.Services.GetRequiredService<IDocumentStore>();
            var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
            var icps = new[] { (first, Guid.NewGuid()), (first, Guid.NewGuid()), (second, Guid.NewGuid()) };
            foreach (var (tenant, icpId) in icps)
            {
                await using var session = store.LightweightSession(tenant.ToString());
                session.Insert(new KnownIcp(icpId, 1, JsonSerializer.SerializeToElement(new { }), DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
            }

            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            var known = await RefinementMartenTables.KnownIcpsAsync(connection, CancellationToken.None);
            Assert.Equal(icps.OrderBy(i => i.Item2), known.OrderBy(k => k.IcpId));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Leads_appends_snapshots_to_the_event_tables_Marten_makes_and_Marten_reads_them_back()
    {
        var database = await servers.CreateDatabaseAsync("mtleads");
        var app = await MigratedAsync(database, b => b.AddLeadServices());
        try
        {
            await AssertColumnsAsync(database, "leads", LeadsMartenTables.Columns);
            Assert.Equal("leads.mt_events_sequence", await ServiceHost.ScalarAsync(database,
                $"select to_regclass('leads.{LeadsMartenTables.EventSequence}')::text"));

            var store = app.Services.GetRequiredService<IDocumentStore>();
            var appender = new SnapshotAppender(store);
            var tenant = Guid.NewGuid();
            var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
            var first = Snapshot(tenant, "crm-1", 1, now);
            await using (var session = store.LightweightSession(tenant.ToString()))
            {
                // StartStreams and InsertEvents.
                appender.Queue(session, [first], new Dictionary<Guid, long>(), now);
                await session.SaveChangesAsync();
            }
            await using (var session = store.LightweightSession(tenant.ToString()))
            {
                // AdvanceStreams and InsertEvents.
                appender.Queue(session, [Snapshot(tenant, "crm-1", 2, now)], new Dictionary<Guid, long> { [first.LeadId] = 1 }, now);
                await session.SaveChangesAsync();
            }

            await using var query = store.QuerySession(tenant.ToString());
            var events = await query.Events.FetchStreamAsync(first.LeadId);
            Assert.Equal([1, 2], events.Select(e => Assert.IsType<LeadSnapshotRecorded>(e.Data).Snapshot));
            Assert.Equal(2, (await query.Events.FetchStreamStateAsync(first.LeadId))!.Version);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>The service's schema made by its own <c>db-apply</c>, and the service built (not started) on it, as outside development.</summary>
    private async Task<WebApplication> MigratedAsync(string database, Action<WebApplicationBuilder> addService)
    {
        Assert.Equal(0, await Production(database, addService).DbApplyAsync());
        return Production(database, addService).Build();
    }

    private WebApplicationBuilder Production(string database, Action<WebApplicationBuilder> addService)
    {
        var builder = ServiceHost.CreateProductionBuilder(servers, database);
        builder.AddServiceDefaults();
        addService(builder);
        return builder;
    }

    private static async Task AssertColumnsAsync(string database, string schema,
        IReadOnlyList<(string Table, string Column, string Type)> expected)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select c.data_type from unnest($2::text[], $3::text[]) with ordinality as w(table_name, column_name, i)
            left join information_schema.columns c
              on c.table_schema = $1 and c.table_name = w.table_name and c.column_name = w.column_name
            order by w.i
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. expected.Select(c => c.Table)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. expected.Select(c => c.Column)] });
        var found = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) found.Add(reader.IsDBNull(0) ? "(missing)" : reader.GetString(0));
        Assert.Equal(expected.Select(c => $"{c.Table}.{c.Column} {c.Type}"),
            expected.Zip(found, (c, type) => $"{c.Table}.{c.Column} {type}"));
    }

    private static LeadSnapshotRecorded Snapshot(Guid tenant, string externalId, int snapshot, DateTimeOffset at)
    {
        var lead = Samples.IndustrySizeTriggerLead(externalId, snapshot == 1 ? "operations" : "sales");
        var raw = JsonNode.Parse(LeadJson.ToElement(lead).GetRawText())!.AsObject();
        return new LeadSnapshotRecorded(DeterministicId.For(tenant.ToString(), externalId), externalId, snapshot, lead,
            JsonSerializer.SerializeToElement(raw), at);
    }
}
