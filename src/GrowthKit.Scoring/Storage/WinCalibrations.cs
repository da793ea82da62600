using System.Text.Json;
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
        await using var command = new NpgsqlCommand($"""
            insert into {ScoringTables.Schema}.win_calibrations (tenant_id, icp_id, icp_version, deals, won, steps, fitted_at)
            values ($1, $2, $3, $4, $5, $6, $7)
            on conflict (tenant_id, icp_id, icp_version) do update
              set deals = excluded.deals, won = excluded.won, steps = excluded.steps, fitted_at = excluded.fitted_at
              where win_calibrations.fitted_at < excluded.fitted_at
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = m.TenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = m.IcpId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = m.IcpVersion });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = m.Deals });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = m.Won });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(steps, ModelJson.Options) });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = m.FittedAt.UtcDateTime });
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>The calibrations of these ICP versions that exist.</summary>
    public static async Task<IReadOnlyDictionary<(Guid IcpId, int Version), WinProbabilityCalibration>> LoadAsync(
        NpgsqlConnection connection, Guid tenantId, IEnumerable<(Guid IcpId, int Version)> versions, CancellationToken ct)
    {
        var wanted = versions.Distinct().ToList();
        var found = new Dictionary<(Guid, int), WinProbabilityCalibration>();
        if (wanted.Count == 0) return found;
        await using var command = new NpgsqlCommand($"""
            select c.icp_id, c.icp_version, c.deals, c.won, c.steps
            from {ScoringTables.Schema}.win_calibrations c
            join unnest($2::uuid[], $3::int[]) as w(icp_id, icp_version)
              on w.icp_id = c.icp_id and w.icp_version = c.icp_version
            where c.tenant_id = $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. wanted.Select(w => w.IcpId)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. wanted.Select(w => w.Version)] });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var steps = JsonSerializer.Deserialize<List<CalibrationStep>>(reader.GetString(4), ModelJson.Options)!;
            found[(reader.GetGuid(0), reader.GetInt32(1))] = new WinProbabilityCalibration(reader.GetInt32(2), reader.GetInt32(3), steps, []);
        }
        return found;
    }

    /// <summary>A score's chance of winning under its version's calibration, or null when that version has none.</summary>
    public static double? WinProbability(
        this IReadOnlyDictionary<(Guid IcpId, int Version), WinProbabilityCalibration> calibrations, Guid icpId, int version, decimal score) =>
        calibrations.TryGetValue((icpId, version), out var calibration) ? Math.Round(calibration.Probability(score), 4) : null;
}
