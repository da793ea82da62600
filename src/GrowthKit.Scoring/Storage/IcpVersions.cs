using Dapper;
using GrowthKit.Scoring.Scores;
using Npgsql;

namespace GrowthKit.Scoring.Storage;

/// <summary>Every ICP version scoring has seen (<c>icp_versions</c>): the latest of each ICP is what a tenant's leads are scored against.</summary>
public static class IcpVersions
{
    /// <summary>The latest version of each of the tenant's ICPs, ready to score.</summary>
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
    public static Task<int?> LatestVersionAsync(NpgsqlConnection connection, Guid tenantId, Guid icpId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            $"select max(version) from {ScoringTables.Schema}.icp_versions where tenant_id = @tenantId and icp_id = @icpId",
            new { tenantId, icpId }, cancellationToken: ct));

    /// <summary>The ICP's latest recorded version (null when none), and whether <paramref name="version"/> is recorded.</summary>
    public static Task<(int? Latest, bool Known)> ProbeAsync(NpgsqlConnection connection, Guid tenantId, Guid icpId, int version,
        CancellationToken ct) =>
        connection.QuerySingleAsync<(int?, bool)>(new CommandDefinition($"""
            select max(version), coalesce(bool_or(version = @version), false)
            from {ScoringTables.Schema}.icp_versions where tenant_id = @tenantId and icp_id = @icpId
            """, new { tenantId, icpId, version }, cancellationToken: ct));

    public static Task InsertAsync(NpgsqlConnection connection, Guid tenantId, Guid icpId, int version, string definition,
        DateTimeOffset publishedAt, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition($"""
            insert into {ScoringTables.Schema}.icp_versions (tenant_id, icp_id, version, definition, published_at)
            values (@tenantId, @icpId, @version, @definition, @publishedAt)
            """, new { tenantId, icpId, version, definition, publishedAt = publishedAt.ToUniversalTime() }, cancellationToken: ct));
}
