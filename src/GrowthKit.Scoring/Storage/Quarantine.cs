using Npgsql;

namespace GrowthKit.Scoring.Storage;

/// <summary>A lead snapshot set aside because it could not be scored; null ICP when it could not be scored at all.</summary>
public sealed record QuarantinedLead(long Id, Guid LeadId, int Snapshot, Guid? IcpId, int? IcpVersion, string Reason,
    DateTimeOffset QuarantinedAt);

/// <summary>
/// Poison stays with its tenant: a lead that makes scoring fail is recorded here with the reason and
/// its batch, page or tenant goes on without it. The tenant sees it through <c>GET /api/leads/quarantine</c>.
/// </summary>
public static class Quarantine
{
    public const int MaxReasonLength = 1000;

    public static async Task AddAsync(NpgsqlConnection connection, Guid tenantId,
        IEnumerable<(Guid LeadId, int Snapshot, Guid? IcpId, int? IcpVersion, string Reason)> leads, DateTimeOffset now,
        CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var (leadId, snapshot, icpId, version, reason) in leads)
        {
            var command = new NpgsqlBatchCommand($"""
                insert into {ScoringTables.Schema}.quarantine (tenant_id, lead_id, snapshot, icp_id, icp_version, reason, quarantined_at)
                values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing
                """);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leadId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = snapshot });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)icpId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)version ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Storable(reason) });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
            batch.BatchCommands.Add(command);
        }
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
    }

    public static async Task<IReadOnlyList<QuarantinedLead>> ReadAsync(NpgsqlConnection connection, Guid tenantId, long after,
        int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select id, lead_id, snapshot, icp_id, icp_version, reason, quarantined_at from {ScoringTables.Schema}.quarantine
            where tenant_id = $1 and id > $2 order by id limit $3
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var found = new List<QuarantinedLead>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(new QuarantinedLead(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetInt32(4),
                reader.GetString(5), new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero)));
        }
        return found;
    }

    /// <summary>An exception's message as a reason PostgreSQL can store, bounded.</summary>
    public static string Storable(string reason)
    {
        var text = new string([.. reason.Where(c => c != '\0' && !char.IsSurrogate(c))]);
        return text.Length <= MaxReasonLength ? text : text[..MaxReasonLength];
    }

    public static string ReasonOf(Exception exception) => Storable($"{exception.GetType().Name}: {exception.Message}");
}
