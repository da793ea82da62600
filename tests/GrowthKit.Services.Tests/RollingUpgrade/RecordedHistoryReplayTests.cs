using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Icp.Icps;
using GrowthKit.Model;
using GrowthKit.Services.Tests.Icps;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;
using Npgsql;

namespace GrowthKit.Services.Tests.RollingUpgrade;

/// <summary>
/// Recorded ICP events, stored exactly as recorded (the row's type name and JSON) in the ICP service's real
/// store, are read back through today's Marten configuration — upcasters included — and replayed into the
/// ICP's state, which must be the state the recorded history describes.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class RecordedHistoryReplayTests(TestServers servers, IcpService icp) : IClassFixture<IcpService>, IAsyncLifetime
{
    public Task InitializeAsync() => icp.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The recorded edits after the draft, in the order they make a history.</summary>
    private static readonly string[] Edits =
    [
        "IcpRenamed.v1", "IcpDescriptionChanged.v1", "CriterionAdded.v1", "CriterionChanged.v1", "CriterionRemoved.v1",
        "CriteriaReordered.v1", "DisqualifierAdded.v1", "DisqualifierChanged.v1", "DisqualifierRemoved.v1",
        "DisqualifiersReordered.v1", "PersonaAdded.v1", "PersonaRemoved.v1", "TiersChanged.v1", "IcpPublished.v1",
    ];

    /// <summary>What the recorded history makes of API.md's example definition, written out by hand.</summary>
    private const string ExpectedDraft = """
        {
          "name": "Mid-market logistics operators (DACH)",
          "description": "Carriers and wholesalers that still dispatch by hand",
          "criteria": [
            {"key": "industry", "field": "company.industry", "operator": "in",
             "values": ["Transportation and Warehousing", "Wholesale Trade"], "weight": 30},
            {"key": "size", "field": "company.employeeCount", "operator": "between", "min": 50, "max": 500, "weight": 25},
            {"key": "fleet", "field": "company.fleetSize", "operator": "gte", "value": 20, "weight": 5},
            {"key": "trigger", "field": "signals", "operator": "anyOf", "values": ["funding_round"], "weight": 15},
            {"key": "pain", "field": "painPoints", "operator": "anyOf", "values": ["manual_dispatch"], "weight": 12},
            {"key": "sales-led", "field": "contact.department", "operator": "in", "values": ["sales"], "weight": -10}
          ],
          "disqualifiers": [
            {"key": "too-small", "field": "company.employeeCount", "operator": "lt", "value": 20,
             "reason": "Too small to need dispatch software"}
          ],
          "personas": [{"role": "COO", "seniority": ["c-level"], "department": ["operations"]}],
          "tiers": {"A": 80, "B": 55, "C": 30}
        }
        """;

    [Theory]
    [InlineData("IcpDrafted.v2")]
    [InlineData(IcpEventTypes.IcpDraftedV1Name)]
    public async Task A_recorded_icp_history_replays_into_the_state_it_describes(string drafted)
    {
        var tenant = Guid.NewGuid().ToString();
        var streamId = Guid.NewGuid();
        string[] history = [drafted, .. Edits];
        await StoreAsRecordedAsync(tenant, streamId, history);

        await using var session = icp.Store.LightweightSession(tenant);
        var events = await session.Events.FetchStreamAsync(streamId);
        Assert.Equal(history.Length, events.Count);
        var first = Assert.IsType<IcpDrafted>(events[0].Data);
        Assert.Equal(SampleEvents.IcpId, first.IcpId);
        // The older shape had no reason; its upcaster leaves it empty.
        Assert.Equal(drafted == IcpEventTypes.IcpDraftedV1Name ? null : "Reason-sample", first.Reason);

        var state = await session.Events.AggregateStreamAsync<IcpState>(streamId);
        Assert.NotNull(state);
        Assert.Equal(streamId, state.Id);  // Marten gives the aggregate its stream's id
        Assert.Equal(history.Length, state.Revision);
        Assert.Equal(SampleEvents.At, state.CreatedAt);
        AssertSameJson(ExpectedDraft, state.Draft);
        Assert.NotNull(state.Published);
        Assert.Equal(1, state.Published.Version);
        AssertSameJson(Samples.DefinitionJson, state.Published.Definition);
    }

    /// <summary>
    /// Appends stand-ins through Marten (so streams, versions and sequences are Marten's own), then overwrites
    /// each row's type name and data with the recorded ones: the rows then hold exactly what older code stored.
    /// </summary>
    private async Task StoreAsRecordedAsync(string tenant, Guid streamId, string[] history)
    {
        var serializer = icp.Store.Options.Serializer();
        var types = EventStores.EventTypes("icp");
        var standIns = history.Select(name =>
        {
            var standIn = name == IcpEventTypes.IcpDraftedV1Name ? "IcpDrafted.v2" : name;
            using var json = new MemoryStream(Encoding.UTF8.GetBytes(Recorded(standIn)));
            return serializer.FromJson(types[standIn], json);
        }).ToArray();
        await using (var session = icp.Store.LightweightSession(tenant))
        {
            session.Events.StartStream<IcpState>(streamId, standIns);
            await session.SaveChangesAsync();
        }

        await using var connection = icp.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        for (var i = 0; i < history.Length; i++)
        {
            await using var update = new NpgsqlCommand(
                "update icp.mt_events set type = $1, data = $2::jsonb where stream_id = $3 and version = $4 and tenant_id = $5", connection);
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = history[i] });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Recorded(history[i]) });
            update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = i + 1 });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }
    }

    private static string Recorded(string eventTypeName) => File.ReadAllText(EventFixtureTests.FixturePath("icp", eventTypeName));

    private static void AssertSameJson(string expected, IcpDefinition actual)
    {
        var written = JsonSerializer.Serialize(actual, ModelJson.Options);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(written)), $"expected {expected}{Environment.NewLine}got {written}");
    }
}
