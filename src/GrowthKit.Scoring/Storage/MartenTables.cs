using System.Text.Json;
using GrowthKit.Model;
using Npgsql;

namespace GrowthKit.Scoring.Storage;

/// <summary>
/// The only statement of the scoring service that reads one of Marten's own tables: it picks single
/// ledger entries (one score, one snapshot) out of the batch events in <c>mt_events</c>, inside
/// Postgres. Through Marten a read would load and deserialise each whole batch event (a re-scoring
/// page is one event of about a thousand scores, some 0.8 MB) to keep one entry of it.
/// <see cref="Columns"/> names every column it relies on; a test checks them, and runs the statement,
/// against the schema Marten itself creates, so a Marten upgrade that changes them fails a build.
/// </summary>
public static class MartenTables
{
    /// <summary>Marten's event table, as <see cref="ReadEntriesAsync{T}"/> reads it: (table, column, PostgreSQL type).</summary>
    public static readonly IReadOnlyList<(string Table, string Column, string Type)> Columns =
    [
        ("mt_events", "stream_id", "uuid"),
        ("mt_events", "tenant_id", "character varying"),
        ("mt_events", "type", "character varying"),
        ("mt_events", "data", "jsonb"),
    ];

    /// <summary>
    /// The entries at these places (batch stream, position in the event's <paramref name="member"/> array), in the
    /// order asked for; fails when one is missing.
    /// </summary>
    public static async Task<IReadOnlyList<T>> ReadEntriesAsync<T>(NpgsqlConnection connection, Guid tenantId,
        string eventType, string member, IReadOnlyList<(Guid BatchId, int Pos)> places, CancellationToken ct)
    {
        if (places.Count == 0) return [];
        await using var command = new NpgsqlCommand($"""
            select e.data -> '{member}' -> k.pos
            from unnest($2::uuid[], $3::int[]) with ordinality as k(batch_id, pos, i)
            join {ScoringTables.Schema}.mt_events e on e.stream_id = k.batch_id and e.tenant_id = $1 and e.type = $4
            order by k.i
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId.ToString() });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. places.Select(p => p.BatchId)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. places.Select(p => p.Pos)] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventType });
        var entries = new List<T>(places.Count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), ModelJson.Options)
                        ?? throw new InvalidOperationException($"An empty {member} entry in the ledger."));
        }
        if (entries.Count != places.Count)
        {
            throw new InvalidOperationException($"{places.Count - entries.Count} indexed {member} entries are missing from the ledger.");
        }
        return entries;
    }
}
