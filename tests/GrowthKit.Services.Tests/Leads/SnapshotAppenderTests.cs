using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Leads;
using GrowthKit.Leads.Receiving;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using GrowthKit.Services.Tests.Infrastructure;
using GrowthKit.Services.Tests.Relay;
using Marten;
using Npgsql;

namespace GrowthKit.Services.Tests.Leads;

/// <summary>
/// The set-based append writes exactly the rows Marten's own append writes, reads back through
/// Marten, and keeps Marten's concurrency guarantees.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SnapshotAppenderTests(TestServers servers, LeadRelayHarness harness)
    : IClassFixture<LeadRelayHarness>, IAsyncLifetime
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    public Task InitializeAsync() => harness.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Writes_the_rows_Marten_writes_and_reads_back_through_Marten()
    {
        var tenant = Guid.NewGuid();
        var viaMarten = Snapshot(tenant, "crm-marten", 1);
        var viaAppender = Snapshot(tenant, "crm-appender", 1);
        var appender = new SnapshotAppender(harness.Store);

        await using (var session = harness.Store.LightweightSession(tenant.ToString()))
        {
            session.SetHeader(EventStore.TraceParentHeader, TraceParent);
            session.Events.StartStream<LeadState>(viaMarten.LeadId, viaMarten);
            appender.Queue(session, [viaAppender], new Dictionary<Guid, long>(), viaAppender.RecordedAt);
            await session.SaveChangesAsync();
        }
        var second = Snapshot(tenant, "crm-appender", 2, "sales");
        await using (var session = harness.Store.LightweightSession(tenant.ToString()))
        {
            session.SetHeader(EventStore.TraceParentHeader, TraceParent);
            session.Events.Append(viaMarten.LeadId, 2, Snapshot(tenant, "crm-marten", 2, "sales"));
            appender.Queue(session, [second], new Dictionary<Guid, long> { [second.LeadId] = 1 }, second.RecordedAt);
            await session.SaveChangesAsync();
        }

        var marten = await RowsAsync(tenant, viaMarten.LeadId);
        var ours = await RowsAsync(tenant, viaAppender.LeadId);
        Assert.Equal(marten.Stream, ours.Stream);
        Assert.Equal(marten.Events.Count, ours.Events.Count);
        foreach (var (expected, actual) in marten.Events.Zip(ours.Events))
        {
            Assert.Equal(expected.Columns, actual.Columns);
            // The data differs only in the lead's own id and external id.
            Assert.Equal(expected.Data.Replace("crm-marten", "crm-appender", StringComparison.Ordinal)
                    .Replace(viaMarten.LeadId.ToString(), viaAppender.LeadId.ToString(), StringComparison.Ordinal),
                actual.Data);
        }

        await using var query = harness.Store.QuerySession(tenant.ToString());
        var events = await query.Events.FetchStreamAsync(viaAppender.LeadId);
        Assert.Equal([1L, 2L], events.Select(e => e.Version));
        Assert.True(events[0].Sequence < events[1].Sequence);
        Assert.Equal(TraceParent, events[0].GetHeader(EventStore.TraceParentHeader)?.ToString());
        var read = Assert.IsType<LeadSnapshotRecorded>(events[1].Data);
        Assert.Equal(CanonicalJson.Serialize(LeadJson.ToElement(second.Lead)), CanonicalJson.Serialize(LeadJson.ToElement(read.Lead)));
        Assert.Equal(CanonicalJson.Serialize(second.Raw), CanonicalJson.Serialize(read.Raw));
        Assert.Equal(second with { Lead = read.Lead, Raw = read.Raw }, read);
        var state = await query.Events.FetchStreamStateAsync(viaAppender.LeadId);
        Assert.Equal(2, state!.Version);
    }

    [Fact]
    public async Task Starting_a_stream_that_exists_or_appending_from_a_stale_version_fails_the_whole_transaction()
    {
        var tenant = Guid.NewGuid();
        var appender = new SnapshotAppender(harness.Store);
        var first = Snapshot(tenant, "crm-race", 1);
        await using (var session = harness.Store.LightweightSession(tenant.ToString()))
        {
            appender.Queue(session, [first], new Dictionary<Guid, long>(), first.RecordedAt);
            await session.SaveChangesAsync();
        }

        var bystander = Snapshot(tenant, "crm-bystander", 1);
        await using (var session = harness.Store.LightweightSession(tenant.ToString()))
        {
            appender.Queue(session, [bystander, Snapshot(tenant, "crm-race", 1, "sales")], new Dictionary<Guid, long>(), first.RecordedAt);
            await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
        }
        await using (var session = harness.Store.LightweightSession(tenant.ToString()))
        {
            appender.Queue(session, [Snapshot(tenant, "crm-race", 2, "sales")], new Dictionary<Guid, long> { [first.LeadId] = 1 }, first.RecordedAt);
            await session.SaveChangesAsync();
        }
        await using (var session = harness.Store.LightweightSession(tenant.ToString()))
        {
            // Read at version 1, but another writer has since appended version 2.
            appender.Queue(session, [bystander, Snapshot(tenant, "crm-race", 2, "finance")], new Dictionary<Guid, long> { [first.LeadId] = 1 }, first.RecordedAt);
            await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
        }

        await using var query = harness.Store.QuerySession(tenant.ToString());
        Assert.Equal(["operations", "sales"], (await query.Events.FetchStreamAsync(first.LeadId))
            .Select(e => ((LeadSnapshotRecorded)e.Data).Lead.Contact!.Department));
        Assert.Empty(await query.Events.FetchStreamAsync(bystander.LeadId));
        Assert.Equal(2, (await query.Events.FetchStreamStateAsync(first.LeadId))!.Version);
    }

    private static LeadSnapshotRecorded Snapshot(Guid tenant, string externalId, int snapshot, string department = "operations")
    {
        var lead = Samples.IndustrySizeTriggerLead(externalId, department);
        var raw = JsonNode.Parse(LeadJson.ToElement(lead).GetRawText())!.AsObject();
        raw["company"]!["employeeCount"] = "51-200";
        return new LeadSnapshotRecorded(DeterministicId.For(tenant.ToString(), externalId), externalId, snapshot, lead,
            JsonSerializer.SerializeToElement(raw),
            new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task An_event_stored_under_the_earlier_namespace_of_its_type_reads_back()
    {
        // Until issue 17 the lead's types lived in GrowthKit.Leads.Leads, and that name is in every event
        // row written before (mt_dotnet_type). Marten reads an event by its alias (mt_events.type), a
        // registered event type: the stored .NET name must not matter.
        const string EarlierName = "GrowthKit.Leads.Leads.LeadSnapshotRecorded, GrowthKit.Leads";
        var tenant = Guid.NewGuid();
        var recorded = Snapshot(tenant, "crm-earlier", 1);
        await using (var session = harness.Store.LightweightSession(tenant.ToString()))
        {
            session.Events.StartStream<LeadState>(recorded.LeadId, recorded);
            await session.SaveChangesAsync();
        }
        await using (var connection = harness.Store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await using var rename = new NpgsqlCommand(
                $"update {harness.Store.Options.Events.DatabaseSchemaName}.mt_events set mt_dotnet_type = $1 where tenant_id = $2 and stream_id = $3",
                connection) { Parameters = { new() { Value = EarlierName }, new() { Value = tenant.ToString() }, new() { Value = recorded.LeadId } } };
            Assert.Equal(1, await rename.ExecuteNonQueryAsync());
        }

        await using var query = harness.Store.QuerySession(tenant.ToString());
        var events = await query.Events.FetchStreamAsync(recorded.LeadId);
        var read = Assert.IsType<LeadSnapshotRecorded>(Assert.Single(events).Data);
        Assert.Equal(recorded.ExternalId, read.ExternalId);
        Assert.Equal(EarlierName, (await RowsAsync(tenant, recorded.LeadId)).Events.Single().Columns.Split('|')[3]);
        Assert.NotNull(await query.Events.AggregateStreamAsync<LeadState>(recorded.LeadId));
    }

    private sealed record EventRow(string Columns, string Data);

    private async Task<(string Stream, List<EventRow> Events)> RowsAsync(Guid tenant, Guid streamId)
    {
        await using var connection = harness.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        var schema = harness.Store.Options.Events.DatabaseSchemaName;
        await using var streams = new NpgsqlCommand(
            $"select concat_ws('|', type, version, tenant_id, is_archived, compacted_version) from {schema}.mt_streams where tenant_id = $1 and id = $2",
            connection) { Parameters = { new() { Value = tenant.ToString() }, new() { Value = streamId } } };
        var stream = (string)(await streams.ExecuteScalarAsync())!;
        await using var events = new NpgsqlCommand(
            $"select concat_ws('|', version, type, tenant_id, mt_dotnet_type, is_archived, headers::text, bdata is null), data::text from {schema}.mt_events where tenant_id = $1 and stream_id = $2 order by version",
            connection) { Parameters = { new() { Value = tenant.ToString() }, new() { Value = streamId } } };
        var rows = new List<EventRow>();
        await using var reader = await events.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(new EventRow(reader.GetString(0), reader.GetString(1)));
        return (stream, rows);
    }
}
