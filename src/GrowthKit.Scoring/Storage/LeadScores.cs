using Dapper;
using GrowthKit.Scoring.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace GrowthKit.Scoring.Storage;

/// <summary>A lead's score in a version's ranking, with the lead's current snapshot (as received) beside it.</summary>
public sealed record RankedLead(Guid LeadId, string ExternalId, string Lead, int Snapshot, decimal Score, string Tier,
    string? DisqualifiedKey, string? DisqualifiedReason, string ModelVersion, string InputHash, DateTime ScoredAt)
{
    public DateTimeOffset ScoredAtUtc => new(DateTime.SpecifyKind(ScoredAt, DateTimeKind.Utc));
}

/// <summary>
/// Where each score was recorded in the ledger (<c>lead_scores</c>) and what rankings sort and page on.
/// Its primary key keeps exactly one score per (lead, ICP, version, snapshot), whoever writes it.
/// </summary>
public static class LeadScores
{
    // What a ranking selects, joined with the lead's current snapshot (one a lead's score was given to).
    private const string RankingSelect = $"""
        select s.lead_id as LeadId, l.external_id as ExternalId, l.lead as Lead, s.snapshot as Snapshot, s.score as Score,
               s.tier as Tier, s.disqualified_key as DisqualifiedKey, s.disqualified_reason as DisqualifiedReason,
               s.model_version as ModelVersion, s.input_hash as InputHash, s.scored_at as ScoredAt
        from {ScoringTables.Schema}.lead_scores s
        join {ScoringTables.Schema}.leads l
          on l.tenant_id = s.tenant_id and l.lead_id = s.lead_id and l.snapshot = s.snapshot
        where s.tenant_id = @tenantId and s.icp_id = @icpId and s.icp_version = @version
        """;

    /// <summary>
    /// Fails with a unique violation (23505) when one of the (lead, ICP, version, snapshot) was scored
    /// before: the guard that keeps exactly one score each, whoever writes it.
    /// </summary>
    public static async Task IndexAsync(NpgsqlConnection connection, Guid tenantId, Guid batchId,
        IReadOnlyList<ScoreEntry> scores, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"""
            copy {ScoringTables.Schema}.lead_scores (tenant_id, lead_id, icp_id, icp_version, snapshot, score, tier,
              disqualified_key, disqualified_reason, model_version, input_hash, scored_at, batch_id, pos)
            from stdin (format binary)
            """, ct);
        for (var pos = 0; pos < scores.Count; pos++)
        {
            var s = scores[pos];
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(tenantId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(s.LeadId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(s.IcpId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(s.IcpVersion, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.Snapshot, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.Score, NpgsqlDbType.Numeric, ct);
            await writer.WriteAsync(s.Tier, NpgsqlDbType.Text, ct);
            if (s.DisqualifiedBy is { } dq)
            {
                await writer.WriteAsync(dq.Key, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(dq.Reason, NpgsqlDbType.Text, ct);
            }
            else
            {
                await writer.WriteNullAsync(ct);
                await writer.WriteNullAsync(ct);
            }
            await writer.WriteAsync(s.ModelVersion, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(s.InputHash, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(s.ScoredAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(batchId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(pos, NpgsqlDbType.Integer, ct);
        }
        await writer.CompleteAsync(ct);
    }

    /// <summary>Where the lead's current score for each ICP was recorded: its newest version's, of its newest snapshot.</summary>
    public static async Task<IReadOnlyList<(Guid BatchId, int Pos)>> CurrentPlacesAsync(NpgsqlConnection connection, Guid tenantId,
        Guid leadId, CancellationToken ct) =>
        [.. await connection.QueryAsync<(Guid, int)>(new CommandDefinition($"""
            select distinct on (icp_id) batch_id, pos from {ScoringTables.Schema}.lead_scores
            where tenant_id = @tenantId and lead_id = @leadId
            order by icp_id, icp_version desc, snapshot desc
            """, new { tenantId, leadId }, cancellationToken: ct))];

    /// <summary>Where each of the lead's scores was recorded, in the order they were given; <paramref name="skip"/>, then at most <paramref name="take"/>.</summary>
    public static async Task<IReadOnlyList<(Guid BatchId, int Pos)>> HistoryPlacesAsync(NpgsqlConnection connection, Guid tenantId,
        Guid leadId, int skip, int take, CancellationToken ct) =>
        [.. await connection.QueryAsync<(Guid, int)>(new CommandDefinition($"""
            select batch_id, pos from {ScoringTables.Schema}.lead_scores
            where tenant_id = @tenantId and lead_id = @leadId
            order by scored_at, icp_id, icp_version, snapshot
            offset {skip} limit {take}
            """, new { tenantId, leadId }, cancellationToken: ct))];

    /// <summary>Where the lead's score for the version was recorded: of that snapshot, or else of its newest scored one.</summary>
    public static async Task<(Guid BatchId, int Pos, int Snapshot)?> RecordedAsync(NpgsqlConnection connection, Guid tenantId,
        Guid leadId, Guid icpId, int version, int? snapshot, CancellationToken ct) =>
        (await connection.QueryAsync<(Guid, int, int)>(new CommandDefinition($"""
            select batch_id, pos, snapshot from {ScoringTables.Schema}.lead_scores
            where tenant_id = @tenantId and lead_id = @leadId and icp_id = @icpId and {ScoringTables.ByPrimaryKey("icp_version")} = @version
              and (@snapshot::int is null or snapshot = @snapshot)
            order by snapshot desc limit 1
            """, new { tenantId, leadId, icpId, version, snapshot }, cancellationToken: ct))).Cast<(Guid, int, int)?>().FirstOrDefault();

    /// <summary>
    /// A page of the version's ranking (score descending, then lead id), after the cursor, filtered by tier
    /// and lowest score. Walks lead_scores_ranking (tenant, icp, version, score desc, lead_id) in its order.
    /// </summary>
    public static async Task<IReadOnlyList<RankedLead>> RankingPageAsync(NpgsqlConnection connection, Guid tenantId, Guid icpId,
        int version, string? tier, decimal? minScore, (decimal Score, Guid LeadId)? after, int limit, CancellationToken ct) =>
        [.. await connection.QueryAsync<RankedLead>(new CommandDefinition($"""
            {RankingSelect}
              and (@tier::text is null or s.tier = @tier)
              and (@minScore::numeric is null or s.score >= @minScore)
              and (@afterScore::numeric is null or s.score < @afterScore or (s.score = @afterScore and s.lead_id > @afterLeadId))
            order by s.score desc, s.lead_id
            limit @limit
            """, new { tenantId, icpId, version, tier, minScore, afterScore = after?.Score, afterLeadId = after?.LeadId, limit },
            cancellationToken: ct))];

    /// <summary>The version's whole ranking, best first, row by row as the database sends it (nothing is buffered).</summary>
    public static IAsyncEnumerable<RankedLead> RankingAsync(NpgsqlConnection connection, Guid tenantId, Guid icpId, int version) =>
        connection.QueryUnbufferedAsync<RankedLead>($"""
            {RankingSelect}
            order by s.score desc, s.lead_id
            """, new { tenantId, icpId, version });
}
