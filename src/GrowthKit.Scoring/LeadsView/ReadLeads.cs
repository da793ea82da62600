using System.Globalization;
using System.Security.Claims;
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
        ReadAsync(user.TenantId(), (connection, tenantId, token) => LeadSnapshots.CurrentAsync(connection, tenantId, leadId, token),
            database, ct);

    private static Task<Results<Ok<LeadResponse>, ProblemHttpResult>> ByExternalId(
        string externalId, ClaimsPrincipal user, ScoringDatabase database, CancellationToken ct) =>
        ReadAsync(user.TenantId(),
            (connection, tenantId, token) => LeadSnapshots.CurrentAsync(connection, tenantId, externalId.Trim(), token), database, ct);

    private static async Task<Results<Ok<LeadResponse>, ProblemHttpResult>> ReadAsync(Guid tenantId,
        Func<NpgsqlConnection, Guid, CancellationToken, Task<(Guid LeadId, Guid BatchId, int Pos)?>> find, ScoringDatabase database,
        CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // One snapshot of the database for every statement below: a lead recorded again between two of
        // them would otherwise show the new snapshot's score beside the old snapshot (or the reverse).
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var current = await find(connection, tenantId, ct);
        if (current is not { } found) return LeadNotFound();

        var snapshot = (await ScoreLedger.ReadSnapshotsAsync(connection, tenantId, [(found.BatchId, found.Pos)], ct))[0];
        var places = await LeadScores.CurrentPlacesAsync(connection, tenantId, found.LeadId, ct);
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
        if (!await LeadSnapshots.LeadExistsAsync(connection, tenantId, leadId, ct)) return LeadNotFound();

        // The ledger is append-only and read in the order it was written, so an offset stays put.
        var places = await LeadScores.HistoryPlacesAsync(connection, tenantId, leadId, skip, take + 1, ct);
        var scores = await ScoreLedger.ReadScoresAsync(connection, tenantId, [.. places.Take(take)], ct);
        var calibrations = await WinCalibrations.LoadAsync(connection, tenantId, scores.Select(s => (s.IcpId, s.IcpVersion)), ct);
        var next = places.Count > take ? OpaqueCursor.Write("o", (skip + take).ToString(CultureInfo.InvariantCulture)) : null;
        return TypedResults.Ok(new Page<ScoreResponse>(ScoreResponse.From(scores, calibrations), next));
    }

    // The ledger is append-only: an offset (what was shown) is a stable cursor.
    private static bool TryReadOffset(string? cursor, out int offset)
    {
        offset = 0;
        if (string.IsNullOrEmpty(cursor)) return true;
        return OpaqueCursor.TryRead(cursor, "o", out var parts) && parts.Length == 1
               && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }

    /// <summary>Reads answer from what scoring has recorded, a message after the 202: say so, so a client polls instead of giving up.</summary>
    private static ProblemHttpResult LeadNotFound() => ApiDefaults.NotFoundProblem("Lead",
        "No lead with this id or externalId has reached scoring. A lead just accepted (202) is recorded here moments "
        + "after its batch is committed; ask again shortly.");
}
