using System.Globalization;
using System.Security.Claims;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GrowthKit.Scoring.LeadsView;

public static class ReadLeadsFeature
{
    /// <summary>What the gateway adds in front of these reads (its LeadReadFallback), told where the route is documented.</summary>
    public const string AcceptedLeadDescription =
        "A lead reads as soon as it is accepted (202). Until scoring has recorded it, the answer is the lead as accepted "
        + "(its newest snapshot, raw input and snapshot count) with \"scores\": [] and \"scoring\": \"pending\"; once recorded, "
        + "\"scoring\" is absent and \"lead\" is the snapshot the scores used. A newer snapshot not yet recorded by scoring "
        + "shows once it is, with its scores: until then the answer stays the previous snapshot with that snapshot's scores, "
        + "never the new data beside scores of the old. "
        + "404 when no lead of the tenant has that id or externalId.";

    public static RouteGroupBuilder MapReadLeads(this RouteGroupBuilder group)
    {
        group.MapGet("/{leadId:guid}", ById)
            .WithName("GetLead")
            .WithSummary("A lead's normalised snapshot, raw input and current score for each published ICP")
            .WithDescription(AcceptedLeadDescription)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/by-external-id/{externalId}", ByExternalId)
            .WithName("GetLeadByExternalId")
            .WithSummary("The same as GetLead, found by the consumer's own id")
            .WithDescription(AcceptedLeadDescription)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{leadId:guid}/scores", Scores)
            .WithName("GetLeadScores")
            .WithSummary("Every score the lead ever had, oldest first, from the score ledger")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static Task<Results<Ok<LeadResponse>, ProblemHttpResult>> ById(
        Guid leadId, ClaimsPrincipal user, ScoringDatabase database, CancellationToken ct) =>
        ReadAsync(user.TenantId(), "l.lead_id = $2", leadId, database, ct);

    private static Task<Results<Ok<LeadResponse>, ProblemHttpResult>> ByExternalId(
        string externalId, ClaimsPrincipal user, ScoringDatabase database, CancellationToken ct) =>
        ReadAsync(user.TenantId(), "l.external_id = $2", externalId.Trim(), database, ct);

    private static async Task<Results<Ok<LeadResponse>, ProblemHttpResult>> ReadAsync<TKey>(
        Guid tenantId, string match, TKey key, ScoringDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // One snapshot of the database for every statement below: a lead recorded again between two of
        // them would otherwise show the new snapshot's score beside the old snapshot (or the reverse).
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        (Guid LeadId, Guid BatchId, int Pos)? current = null;
        await using (var command = new NpgsqlCommand($"""
            select l.lead_id, s.batch_id, s.pos
            from {ScoringTables.Schema}.leads l
            join {ScoringTables.Schema}.lead_snapshots s
              on s.tenant_id = l.tenant_id and s.lead_id = l.lead_id and s.snapshot = l.snapshot
            where l.tenant_id = $1 and {match}
            limit 1
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            command.Parameters.Add(new NpgsqlParameter<TKey> { TypedValue = key });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct)) current = (reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2));
        }
        if (current is not { } found) return LeadNotFound();

        var snapshot = (await ScoreLedger.ReadSnapshotsAsync(connection, tenantId, [(found.BatchId, found.Pos)], ct))[0];
        var places = await PlacesAsync(connection, $"""
            select distinct on (icp_id) batch_id, pos from {ScoringTables.Schema}.lead_scores
            where tenant_id = $1 and lead_id = $2
            order by icp_id, icp_version desc, snapshot desc
            """, tenantId, found.LeadId, ct);
        var scores = await ScoreLedger.ReadScoresAsync(connection, tenantId, places, ct);
        var calibrations = await WinCalibrations.LoadAsync(connection, tenantId, scores.Select(s => (s.IcpId, s.IcpVersion)), ct);
        return TypedResults.Ok(new LeadResponse(found.LeadId, snapshot.ExternalId, snapshot.Snapshot, snapshot.Lead,
            snapshot.Raw, ScoreResponse.From(scores, calibrations)));
    }

    private static async Task<Results<Ok<Page<ScoreResponse>>, ProblemHttpResult>> Scores(
        Guid leadId, ClaimsPrincipal user, ScoringDatabase database, CancellationToken ct,
        int? limit = null, string? cursor = null)
    {
        if (Paging.CheckLimit(limit, out var take) is { } problem) return problem;
        if (!TryReadOffset(cursor, out var skip)) return ApiDefaults.FieldProblem("cursor", "The cursor is not one this list gave.");

        var tenantId = user.TenantId();
        await using var connection = await database.OpenAsync(ct);
        if (!await LeadExistsAsync(connection, tenantId, leadId, ct)) return LeadNotFound();

        // The ledger is append-only and read in the order it was written, so an offset stays put.
        var places = await PlacesAsync(connection, $"""
            select batch_id, pos from {ScoringTables.Schema}.lead_scores
            where tenant_id = $1 and lead_id = $2
            order by scored_at, icp_id, icp_version, snapshot
            offset {skip} limit {take + 1}
            """, tenantId, leadId, ct);
        var scores = await ScoreLedger.ReadScoresAsync(connection, tenantId, [.. places.Take(take)], ct);
        var calibrations = await WinCalibrations.LoadAsync(connection, tenantId, scores.Select(s => (s.IcpId, s.IcpVersion)), ct);
        var next = places.Count > take ? OpaqueCursor.Write("o", (skip + take).ToString(CultureInfo.InvariantCulture)) : null;
        return TypedResults.Ok(new Page<ScoreResponse>(ScoreResponse.From(scores, calibrations), next));
    }

    public static async Task<bool> LeadExistsAsync(NpgsqlConnection connection, Guid tenantId, Guid leadId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select 1 from {ScoringTables.Schema}.leads where tenant_id = $1 and lead_id = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leadId });
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    // The ledger is append-only: an offset (what was shown) is a stable cursor.
    private static bool TryReadOffset(string? cursor, out int offset)
    {
        offset = 0;
        if (string.IsNullOrEmpty(cursor)) return true;
        return OpaqueCursor.TryRead(cursor, "o", out var parts) && parts.Length == 1
               && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }

    private static async Task<IReadOnlyList<(Guid BatchId, int Pos)>> PlacesAsync(NpgsqlConnection connection, string sql,
        Guid tenantId, Guid leadId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leadId });
        var places = new List<(Guid, int)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) places.Add((reader.GetGuid(0), reader.GetInt32(1)));
        return places;
    }

    /// <summary>Reads answer from what scoring has recorded, a message after the 202: say so, so a client polls instead of giving up.</summary>
    private static ProblemHttpResult LeadNotFound() => ApiDefaults.NotFoundProblem("Lead",
        "No lead with this id or externalId has reached scoring. A lead just accepted (202) is recorded here moments "
        + "after its batch is committed; ask again shortly.");
}
