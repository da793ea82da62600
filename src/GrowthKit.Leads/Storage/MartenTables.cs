namespace GrowthKit.Leads.Storage;

/// <summary>
/// The only statements of the leads service that write Marten's own tables: the set-based append of a
/// batch's lead snapshots (<see cref="Leads.Receiving.SnapshotAppender"/> queues them on a Marten
/// session). Marten appends each stream with its own call of <c>mt_quick_append_events</c>; for a
/// batch of leads those calls were most of the request, several times what these set-based statements
/// take (bench/run.sh measures it). <see cref="Columns"/> names every table, column and sequence they rely
/// on; a test checks them, and runs the statements, against the schema Marten itself creates, so a
/// Marten upgrade that changes them fails a build. Parameters are positional (<c>?</c>), as Marten's
/// <c>QueueSqlCommand</c> takes them.
/// </summary>
public sealed class MartenTables(string schema)
{
    /// <summary>(table, column, PostgreSQL type) as the statements write them.</summary>
    public static readonly IReadOnlyList<(string Table, string Column, string Type)> Columns =
    [
        ("mt_streams", "id", "uuid"),
        ("mt_streams", "type", "character varying"),
        ("mt_streams", "version", "bigint"),
        ("mt_streams", "timestamp", "timestamp with time zone"),
        ("mt_streams", "tenant_id", "character varying"),
        ("mt_events", "seq_id", "bigint"),
        ("mt_events", "id", "uuid"),
        ("mt_events", "stream_id", "uuid"),
        ("mt_events", "version", "bigint"),
        ("mt_events", "data", "jsonb"),
        ("mt_events", "type", "character varying"),
        ("mt_events", "tenant_id", "character varying"),
        ("mt_events", "timestamp", "timestamp with time zone"),
        ("mt_events", "mt_dotnet_type", "character varying"),
        ("mt_events", "is_archived", "boolean"),
        ("mt_events", "headers", "jsonb"),
    ];

    /// <summary>The sequence Marten draws event sequence numbers from.</summary>
    public const string EventSequence = "mt_events_sequence";

    /// <summary>Parameters: stream type, tenant, stream ids (uuid[]), their versions (bigint[]).</summary>
    public string StartStreams { get; } = $"""
        insert into {schema}.mt_streams (id, type, version, timestamp, tenant_id)
        select s.id, ?, s.version, now(), ? from unnest(?::uuid[], ?::bigint[]) as s(id, version)
        """;

    /// <summary>Parameters: stream ids (uuid[]), their new versions (bigint[]), tenant.</summary>
    public string AdvanceStreams { get; } = $"""
        update {schema}.mt_streams as s set version = greatest(s.version, a.version), timestamp = now()
        from unnest(?::uuid[], ?::bigint[]) as a(id, version)
        where s.tenant_id = ? and s.id = a.id
        """;

    /// <summary>
    /// Parameters: event type, tenant, timestamp, .NET type, headers (jsonb text or null), then event ids (uuid[]),
    /// stream ids (uuid[]), versions (bigint[]), data (text[]). Sequence numbers are drawn in the array's order,
    /// so the relay announces snapshots in that order.
    /// </summary>
    public string InsertEvents { get; } = $"""
        insert into {schema}.mt_events (seq_id, id, stream_id, version, data, type, tenant_id, timestamp, mt_dotnet_type, is_archived, headers)
        select nextval('{schema}.{EventSequence}'), e.id, e.stream_id, e.version, e.data::jsonb, ?, ?, ?, ?, false, ?::jsonb
        from unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::text[]) with ordinality as e(id, stream_id, version, data, n)
        order by e.n
        """;
}
