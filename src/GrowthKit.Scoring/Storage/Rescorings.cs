using Dapper;
using GrowthKit.Scoring.Rescoring;
using GrowthKit.Scoring.Scores;
using Npgsql;

namespace GrowthKit.Scoring.Storage;

/// <summary>One part of a re-scoring: a lead id range of a tenant, worked against one ICP version.</summary>
public sealed record RescoringPart(Guid TenantId, Guid IcpId, int Version, int Number);

/// <summary>A lead of a re-scoring page, marked when its current snapshot has a score for the version already.</summary>
public sealed record RescoringPageLead(LeadToScore Lead, bool Scored);

/// <summary>
/// The re-scorings (<c>rescorings</c>): one per published version, in parts by lead id range, each
/// part with its checkpoint (the last lead id done) and progress.
/// </summary>
public static class Rescorings
{
    /// <summary>Creates the parts of a new re-scoring, each with the tenant's leads in its range as its total.</summary>
    public static Task StartAsync(NpgsqlConnection connection, Guid tenantId, Guid icpId, int version,
        IReadOnlyList<(Guid After, Guid Until)> ranges, DateTimeOffset now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition($"""
            insert into {ScoringTables.Schema}.rescorings
              (tenant_id, icp_id, icp_version, part, after_lead_id, until_lead_id, total, scored, started_at)
            select @tenantId, @icpId, @version, p.part - 1, p.after_id, p.until_id,
                   (select count(*) from {ScoringTables.Schema}.leads l
                    where l.tenant_id = @tenantId and l.lead_id > p.after_id and l.lead_id <= p.until_id),
                   0, @now
            from unnest(@after::uuid[], @until::uuid[]) with ordinality as p(after_id, until_id, part)
            """, new
        {
            tenantId, icpId, version,
            after = ranges.Select(r => r.After).ToArray(), until = ranges.Select(r => r.Until).ToArray(),
            now = now.ToUniversalTime(),
        }, cancellationToken: ct));

    /// <summary>Every unfinished part of every tenant, oldest re-scoring first.</summary>
    public static async Task<IReadOnlyList<RescoringPart>> UnfinishedAsync(NpgsqlConnection connection, CancellationToken ct) =>
        [.. (await connection.QueryAsync<(Guid, Guid, int, int)>(new CommandDefinition($"""
            select tenant_id, icp_id, icp_version, part from {ScoringTables.Schema}.rescorings
            where finished_at is null order by started_at, part
            """, cancellationToken: ct))).Select(p => new RescoringPart(p.Item1, p.Item2, p.Item3, p.Item4))];

    /// <summary>
    /// Locks the part's row for the caller's transaction (<c>for update skip locked</c>): null when another
    /// worker holds it; otherwise its range, whether it is finished, and the version's definition.
    /// </summary>
    public static async Task<(Guid After, Guid Until, bool Finished, string Definition)?> ClaimAsync(NpgsqlConnection connection,
        RescoringPart part, CancellationToken ct)
    {
        await using var claim = new NpgsqlCommand($"""
            select r.after_lead_id, r.until_lead_id, r.finished_at is not null, v.definition
            from {ScoringTables.Schema}.rescorings r
            join {ScoringTables.Schema}.icp_versions v
              on v.tenant_id = r.tenant_id and v.icp_id = r.icp_id and v.version = r.icp_version
            where r.tenant_id = $1 and r.icp_id = $2 and r.icp_version = $3 and r.part = $4
            for update of r skip locked
            """, connection);
        AddKey(claim, part);
        await using var reader = await claim.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (reader.GetGuid(0), reader.GetGuid(1), reader.GetBoolean(2), reader.GetString(3));
    }

    /// <summary>
    /// The next page of the part's leads by id, each marked when its current snapshot has a score for
    /// the version already (scored on arrival). The lateral probe is one primary-key lookup per lead
    /// (<see cref="ScoringTables.ByPrimaryKey"/>).
    /// </summary>
    public static async Task<IReadOnlyList<RescoringPageLead>> ReadPageAsync(NpgsqlConnection connection, RescoringPart part,
        Guid after, Guid until, int pageSize, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select l.lead_id, l.snapshot, l.lead, l.lead_canonical, s.found is not null
            from (select lead_id, snapshot, lead, lead_canonical from {ScoringTables.Schema}.leads
                  where tenant_id = $1 and lead_id > $5 and lead_id <= $6
                  order by lead_id
                  limit $7) l
            left join lateral (
                select true as found from {ScoringTables.Schema}.lead_scores s
                where s.tenant_id = $1 and s.lead_id = l.lead_id and s.icp_id = $2 and {ScoringTables.ByPrimaryKey("s.icp_version")} = $3
                  and s.snapshot = l.snapshot
                limit 1) s on true
            order by l.lead_id
            """, connection);
        AddKey(command, part);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = until });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
        var page = new List<RescoringPageLead>(pageSize);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            page.Add(new RescoringPageLead(
                new LeadToScore(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3)),
                reader.GetBoolean(4)));
        }
        return page;
    }

    /// <summary>Moves the part's checkpoint past a page of <paramref name="leads"/> leads; ends the part when <paramref name="finished"/>.</summary>
    public static async Task AdvanceAsync(NpgsqlConnection connection, RescoringPart part, Guid checkpoint, int leads, bool finished,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var advance = new NpgsqlCommand($"""
            update {ScoringTables.Schema}.rescorings
            set after_lead_id = $5, scored = scored + $6, total = greatest(total, scored + $6),
                finished_at = case when $7 then $8 end
            where tenant_id = $1 and icp_id = $2 and icp_version = $3 and part = $4
            """, connection);
        AddKey(advance, part);
        advance.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = checkpoint });
        advance.Parameters.Add(new NpgsqlParameter<int> { TypedValue = leads });
        advance.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = finished });
        advance.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
        await advance.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Ends an unfinished part with the reason it was given up.</summary>
    public static Task EndFailedAsync(NpgsqlConnection connection, RescoringPart part, string reason, DateTimeOffset now,
        CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition($"""
            update {ScoringTables.Schema}.rescorings set finished_at = @now, failed_reason = @reason
            where tenant_id = @TenantId and icp_id = @IcpId and icp_version = @Version and part = @Number and finished_at is null
            """, new { part.TenantId, part.IcpId, part.Version, part.Number, now = now.ToUniversalTime(), reason }, cancellationToken: ct));

    /// <summary>The progress of a version's re-scoring over all its parts, or null when there is none.</summary>
    public static async Task<RescoringProgress?> ProgressAsync(NpgsqlConnection connection, Guid tenantId, Guid icpId, int version,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select sum(total)::int, sum(scored)::int, min(started_at),
                   case when bool_and(finished_at is not null) then max(finished_at) end,
                   coalesce(array_agg(distinct failed_reason) filter (where failed_reason is not null), array[]::text[])
            from {ScoringTables.Schema}.rescorings
            where tenant_id = $1 and icp_id = $2 and icp_version = $3
            having count(*) > 0
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = icpId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new RescoringProgress(reader.GetInt32(0), reader.GetInt32(1),
            reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
            reader.GetFieldValue<string[]>(4));
    }

    private static void AddKey(NpgsqlCommand command, RescoringPart part)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = part.TenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = part.IcpId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = part.Version });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = part.Number });
    }
}
