using Npgsql;

namespace GrowthKit.Scoring.Storage;

/// <summary>Each lead's external id, from scoring's own lead snapshots (a lead keeps its external id for life).</summary>
public static class LeadExternalIds
{
    public static async Task<IReadOnlyDictionary<Guid, string>> ReadAsync(NpgsqlConnection connection, Guid tenantId,
        IReadOnlyCollection<Guid> leadIds, CancellationToken ct)
    {
        var ids = new Dictionary<Guid, string>(leadIds.Count);
        if (leadIds.Count == 0) return ids;
        await using var command = new NpgsqlCommand(
            $"select lead_id, external_id from {ScoringTables.Schema}.leads where tenant_id = $1 and lead_id = any($2)", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. leadIds] });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids[reader.GetGuid(0)] = reader.GetString(1);
        return ids;
    }
}
