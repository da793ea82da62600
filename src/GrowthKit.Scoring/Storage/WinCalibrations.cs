using System.Text.Json;
using Dapper;
using GrowthKit.Contracts;
using GrowthKit.Model;
using Npgsql;

namespace GrowthKit.Scoring.Storage;

/// <summary>
/// Each ICP version's win calibration as refinement last fitted it from the tenant's closed deals
/// (<see cref="WinCalibrationFitted"/>). Not part of any score: a score's <c>winProbability</c> is read
/// through it when the score is read, so a refit changes no recorded score, no input hash, and
/// re-scoring still matches the record.
/// </summary>
public static class WinCalibrations
{
    public const string Ddl = $"""
        -- One calibration per ICP version, the latest fit (by fitted_at) winning; steps as JSON, lowest scores first.
        create table if not exists {ScoringTables.Schema}.win_calibrations (
            tenant_id uuid not null,
            icp_id uuid not null,
            icp_version int not null,
            deals int not null,
            won int not null,
            steps text not null,
            fitted_at timestamptz not null,
            primary key (tenant_id, icp_id, icp_version));
        """;

    /// <summary>Stores the fit unless a later one is stored already (redeliveries and late arrivals change nothing).</summary>
    public static async Task<bool> StoreAsync(NpgsqlConnection connection, WinCalibrationFitted m, CancellationToken ct)
    {
        var steps = m.Steps.Select(s => new CalibrationStep(s.From, s.To, s.Deals, s.Won, s.Probability)).ToList();
        return await connection.ExecuteAsync(new CommandDefinition($"""
            insert into {ScoringTables.Schema}.win_calibrations (tenant_id, icp_id, icp_version, deals, won, steps, fitted_at)
            values (@TenantId, @IcpId, @IcpVersion, @Deals, @Won, @steps, @fittedAt)
            on conflict (tenant_id, icp_id, icp_version) do update
              set deals = excluded.deals, won = excluded.won, steps = excluded.steps, fitted_at = excluded.fitted_at
              where win_calibrations.fitted_at < excluded.fitted_at
            """, new
        {
            m.TenantId, m.IcpId, m.IcpVersion, m.Deals, m.Won,
            steps = JsonSerializer.Serialize(steps, ModelJson.Options), fittedAt = m.FittedAt.ToUniversalTime(),
        }, cancellationToken: ct)) > 0;
    }

    /// <summary>The calibrations of these ICP versions that exist.</summary>
    public static async Task<IReadOnlyDictionary<(Guid IcpId, int Version), WinProbabilityCalibration>> LoadAsync(
        NpgsqlConnection connection, Guid tenantId, IEnumerable<(Guid IcpId, int Version)> versions, CancellationToken ct)
    {
        var wanted = versions.Distinct().ToList();
        var found = new Dictionary<(Guid, int), WinProbabilityCalibration>();
        if (wanted.Count == 0) return found;
        var rows = await connection.QueryAsync<(Guid IcpId, int Version, int Deals, int Won, string Steps)>(new CommandDefinition($"""
            select c.icp_id, c.icp_version, c.deals, c.won, c.steps
            from {ScoringTables.Schema}.win_calibrations c
            join unnest(@icpIds::uuid[], @versions::int[]) as w(icp_id, icp_version)
              on w.icp_id = c.icp_id and w.icp_version = c.icp_version
            where c.tenant_id = @tenantId
            """, new { tenantId, icpIds = wanted.Select(w => w.IcpId).ToArray(), versions = wanted.Select(w => w.Version).ToArray() },
            cancellationToken: ct));
        foreach (var row in rows)
        {
            var steps = JsonSerializer.Deserialize<List<CalibrationStep>>(row.Steps, ModelJson.Options)!;
            found[(row.IcpId, row.Version)] = new WinProbabilityCalibration(row.Deals, row.Won, steps, []);
        }
        return found;
    }

    /// <summary>A score's chance of winning under its version's calibration, or null when that version has none.</summary>
    public static double? WinProbability(
        this IReadOnlyDictionary<(Guid IcpId, int Version), WinProbabilityCalibration> calibrations, Guid icpId, int version, decimal score) =>
        calibrations.TryGetValue((icpId, version), out var calibration) ? Math.Round(calibration.Probability(score), 4) : null;
}
