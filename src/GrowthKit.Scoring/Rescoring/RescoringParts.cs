using System.Buffers.Binary;
using GrowthKit.Scoring.Storage;
using Npgsql;

namespace GrowthKit.Scoring.Rescoring;

/// <summary>
/// Splits a re-scoring into lead id ranges (after, until] of equal width: lead ids are name-based
/// UUIDs, spread evenly, so the parts are of about equal size. Part 0 starts after the empty UUID
/// and the last ends at the largest, neither of which is ever a lead id.
/// </summary>
public static class RescoringParts
{
    public static IReadOnlyList<(Guid After, Guid Until)> Ranges(int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        var bounds = Enumerable.Range(0, parts + 1).Select(k => k switch
        {
            0 => Guid.Empty,
            _ when k == parts => Guid.AllBitsSet,
            _ => BoundAt((uint)((ulong)k * (1UL << 32) / (ulong)parts)),
        }).ToList();
        return [.. Enumerable.Range(0, parts).Select(k => (bounds[k], bounds[k + 1]))];
    }

    // The UUID whose first four bytes (in Postgres's order) are prefix and the rest zero.
    private static Guid BoundAt(uint prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, prefix);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Creates the parts of a new re-scoring, each with the tenant's leads in its range as its total.</summary>
    public static async Task StartAsync(NpgsqlConnection connection, Guid tenantId, Guid icpId, int version, int parts,
        DateTimeOffset now, CancellationToken ct)
    {
        var ranges = Ranges(parts);
        await using var command = new NpgsqlCommand($"""
            insert into {ScoringTables.Schema}.rescorings
              (tenant_id, icp_id, icp_version, part, after_lead_id, until_lead_id, total, scored, started_at)
            select $1, $2, $3, p.part - 1, p.after_id, p.until_id,
                   (select count(*) from {ScoringTables.Schema}.leads l
                    where l.tenant_id = $1 and l.lead_id > p.after_id and l.lead_id <= p.until_id),
                   0, $6
            from unnest($4::uuid[], $5::uuid[]) with ordinality as p(after_id, until_id, part)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = icpId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ranges.Select(r => r.After)] });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ranges.Select(r => r.Until)] });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
        await command.ExecuteNonQueryAsync(ct);
    }
}
