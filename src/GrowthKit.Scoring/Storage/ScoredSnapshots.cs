using GrowthKit.Platform.Persistence.Metering;
using GrowthKit.Scoring.Ledger;
using Npgsql;

namespace GrowthKit.Scoring.Storage;

/// <summary>
/// The usage meter's "leads scored": a lead snapshot counts the first time any score is recorded
/// for it, whether on arrival or by the re-scoring a publish starts (a lead that arrived just
/// before its ICP was published is scored by the latter). The <c>scored_snapshots</c> key decides
/// "first" exactly, even when the two race; the count joins the scores' own transaction.
/// </summary>
public static class ScoredSnapshots
{
    public const string Ddl = $"""
        create table if not exists {ScoringTables.Schema}.scored_snapshots (
            tenant_id uuid not null,
            lead_id uuid not null,
            snapshot int not null,
            primary key (tenant_id, lead_id, snapshot));
        """;

    public static async Task MeterAsync(NpgsqlConnection connection, Guid tenantId, IReadOnlyList<ScoreEntry> scores,
        DateTimeOffset now, CancellationToken ct)
    {
        var snapshots = scores.Select(s => (s.LeadId, s.Snapshot)).Distinct().ToList();
        if (snapshots.Count == 0) return;
        await using var command = new NpgsqlCommand($"""
            with first as (
                insert into {ScoringTables.Schema}.scored_snapshots (tenant_id, lead_id, snapshot)
                select $1, s.lead_id, s.snapshot from unnest($2::uuid[], $3::int[]) as s(lead_id, snapshot)
                on conflict do nothing
                returning 1)
            select count(*) from first
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. snapshots.Select(s => s.LeadId)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. snapshots.Select(s => s.Snapshot)] });
        var first = (long)(await command.ExecuteScalarAsync(ct))!;
        await UsageMeter.AddAsync(connection, ScoringTables.Schema, tenantId, now, UsageMeter.LeadsScored, first, ct);
    }
}
