using GrowthKit.Scoring.Scores;
using GrowthKit.Scoring.Storage;
using Npgsql;

namespace GrowthKit.Scoring.Publishing;

/// <summary>The ICP versions a tenant's leads are scored against: the latest of each ICP.</summary>
public static class PublishedVersions
{
    public static async Task<IReadOnlyList<ScoringVersion>> LatestAsync(NpgsqlConnection connection, Guid tenantId,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select distinct on (icp_id) icp_id, version, definition
            from {ScoringTables.Schema}.icp_versions where tenant_id = $1
            order by icp_id, version desc
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        var versions = new List<ScoringVersion>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            versions.Add(ScoringVersion.Parse(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2)));
        }
        return versions;
    }

    /// <summary>The latest published version of an ICP, or null when scoring never saw one.</summary>
    public static async Task<int?> LatestVersionAsync(NpgsqlConnection connection, Guid tenantId, Guid icpId,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select max(version) from {ScoringTables.Schema}.icp_versions where tenant_id = $1 and icp_id = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = icpId });
        return await command.ExecuteScalarAsync(ct) is int version ? version : null;
    }
}
