using GrowthKit.Leads.Storage;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using Marten;

namespace GrowthKit.Leads.Receiving;

/// <summary>
/// Appends a batch's lead snapshots to their streams with three set-based statements queued on the
/// session, so they commit in its one transaction with everything else it writes.
/// </summary>
/// <remarks>
/// Why not <c>session.Events.StartStream/Append</c>, and the statements themselves: <see cref="MartenTables"/>.
/// The rows are exactly the ones Marten writes — a test compares them column by column and reads them
/// back through Marten — so reads, the async daemon and the relay see no difference. Concurrency is
/// kept by the keys Marten declares: a stream started twice breaks the unique (tenant_id, id) of
/// mt_streams, a stream appended twice from the same version the unique (tenant_id, stream_id, version)
/// of mt_events, and either fails the whole transaction.
/// </remarks>
public sealed class SnapshotAppender
{
    private readonly ISerializer _serializer;
    private readonly string _streamType;
    private readonly string _eventType;
    private readonly string _dotNetType;
    private readonly MartenTables _tables;

    public SnapshotAppender(IDocumentStore store)
    {
        var options = ((DocumentStore)store).Options;
        var events = (Marten.Events.EventGraph)options.Events;
        _serializer = options.Serializer();
        _streamType = events.AggregateAliasFor(typeof(LeadState));
        var mapping = events.EventMappingFor(typeof(LeadSnapshotRecorded));
        _eventType = mapping.EventTypeName;
        _dotNetType = mapping.DotNetTypeName;
        _tables = new MartenTables(events.DatabaseSchemaName);
    }

    /// <param name="versions">Each known lead's stream version when its state was read; other leads are new.</param>
    public void Queue(IDocumentSession session, IReadOnlyList<LeadSnapshotRecorded> snapshots,
        IReadOnlyDictionary<Guid, long> versions, DateTimeOffset now)
    {
        if (snapshots.Count == 0) return;
        var tenant = session.TenantId;

        var streams = snapshots.GroupBy(s => s.LeadId).Select(g => (Id: g.Key, Count: g.Count())).ToList();
        var started = streams.Where(s => !versions.ContainsKey(s.Id)).ToList();
        var advanced = streams.Where(s => versions.ContainsKey(s.Id)).ToList();
        if (started.Count > 0)
        {
            session.QueueSqlCommand(_tables.StartStreams, _streamType, tenant,
                started.Select(s => s.Id).ToArray(), started.Select(s => (long)s.Count).ToArray());
        }
        if (advanced.Count > 0)
        {
            session.QueueSqlCommand(_tables.AdvanceStreams,
                advanced.Select(s => s.Id).ToArray(), advanced.Select(s => versions[s.Id] + s.Count).ToArray(), tenant);
        }

        var next = new Dictionary<Guid, long>();
        var eventVersions = snapshots.Select(s => next[s.LeadId] = next.GetValueOrDefault(s.LeadId, versions.GetValueOrDefault(s.LeadId)) + 1).ToArray();
        session.QueueSqlCommand(_tables.InsertEvents, _eventType, tenant, now, _dotNetType, (object?)Headers(session) ?? DBNull.Value,
            snapshots.Select(_ => Guid.CreateVersion7(now)).ToArray(),
            snapshots.Select(s => s.LeadId).ToArray(),
            eventVersions,
            snapshots.Select(s => _serializer.ToJson(s)).ToArray());
        // Marten notifies only for appends it made itself: tell the relay's daemon about these.
        session.QueueSqlCommand(EventStore.NotifyEventsAppendedSql);
    }

    /// <summary>The trace context <see cref="EventStore.StampTraceContext"/> put on the session, as Marten stores headers.</summary>
    private string? Headers(IDocumentSession session)
    {
        var headers = new Dictionary<string, object>();
        foreach (var name in new[] { EventStore.TraceParentHeader, EventStore.TraceStateHeader })
        {
            if (session.GetHeader(name) is { } value) headers[name] = value;
        }
        return headers.Count == 0 ? null : _serializer.ToJson(headers);
    }
}
