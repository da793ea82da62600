using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Scoring.LeadsView;
using GrowthKit.Scoring.Scores;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Scoring.Verifying;

/// <summary>Which recorded score to reproduce: the lead's latest snapshot scored against the version unless <see cref="Snapshot"/> says which.</summary>
/// <summary>Versions and snapshots count from 1.</summary>
public sealed record RescoreLead(Guid? IcpId, [property: Range(1, int.MaxValue)] int? IcpVersion, [property: Range(1, int.MaxValue)] int? Snapshot);

public sealed record RescoreResponse(ScoreResponse Score, bool MatchesRecorded);

/// <summary>
/// Verifies a recorded score (<c>POST /api/leads/{id}/rescore</c>: the route and its schema names are the
/// public contract's; nothing is re-scored or written). Recomputes a recorded score from the event store alone — the lead snapshot from its batch's
/// stream, the definition from the ICP's stream, the recorded entry from the ledger — with the
/// reference computation (<see cref="LeadScoring.Compute"/>, <see cref="InputHash.Compute"/>), and
/// compares the two canonically, <c>scoredAt</c> aside.
/// </summary>
public static class VerifyRecordedScoreFeature
{
    public static RouteGroupBuilder MapVerifyRecordedScore(this RouteGroupBuilder group)
    {
        group.MapPost("/{leadId:guid}/rescore", Rescore)
            .WithName("RescoreLead")
            .WithSummary("Recomputes a recorded score from the stored snapshot and definition and says whether it matches")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<RescoreResponse>, ProblemHttpResult>> Rescore(
        Guid leadId, RescoreLead request, ClaimsPrincipal user, ScoringDatabase database, IDocumentStore store,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.IcpId is null) errors["icpId"] = ["icpId is required."];
        if (request.IcpVersion is null) errors["icpVersion"] = ["icpVersion is required."];
        if (errors.Count > 0) return ApiDefaults.FieldProblems(errors);
        var (icpId, version) = (request.IcpId!.Value, request.IcpVersion!.Value);
        var tenantId = user.TenantId();

        (Guid BatchId, int Pos, int Snapshot) recordedAt;
        IReadOnlyDictionary<(Guid IcpId, int Version), WinProbabilityCalibration> calibrations;
        await using (var connection = await database.OpenAsync(ct))
        {
            calibrations = await WinCalibrations.LoadAsync(connection, tenantId, [(icpId, version)], ct);
            if (!await LeadSnapshots.LeadExistsAsync(connection, tenantId, leadId, ct)) return ApiDefaults.NotFoundProblem("Lead");
            if (request.Snapshot is { } wanted && !await LeadSnapshots.SnapshotExistsAsync(connection, tenantId, leadId, wanted, ct))
            {
                return ApiDefaults.NotFoundProblem("Snapshot");
            }
            if (await LeadScores.RecordedAsync(connection, tenantId, leadId, icpId, version, request.Snapshot, ct) is not { } place)
            {
                return ApiDefaults.NotFoundProblem("Score of this lead for that ICP version");
            }
            recordedAt = place;
        }

        await using var session = store.QuerySession(tenantId.ToString());
        var recorded = (await EventsAsync<LeadsScored>(session, recordedAt.BatchId, ct)).Single().Scores[recordedAt.Pos];
        var snapshotPlace = await SnapshotPlaceAsync(database, tenantId, leadId, recordedAt.Snapshot, ct);
        var snapshot = (await EventsAsync<LeadSnapshotsRecorded>(session, snapshotPlace.BatchId, ct)).Single().Snapshots[snapshotPlace.Pos];
        var published = (await EventsAsync<IcpVersionRecorded>(session, icpId, ct)).Single(v => v.Version == version);
        var definition = published.Definition.Deserialize<IcpDefinition>(ModelJson.Options)
                         ?? throw new InvalidOperationException($"ICP {icpId} v{version} has no definition.");

        var recomputed = LeadScoring.Compute(leadId, snapshot.Snapshot, snapshot.Lead, icpId, version, definition, clock.GetUtcNow());
        var matches = string.Equals(
            CanonicalJson.Of(recomputed with { ScoredAt = default }),
            CanonicalJson.Of(recorded with { ScoredAt = default }),
            StringComparison.Ordinal);
        // winProbability is read beside the score, as on every read; the comparison is of the recorded fields only.
        return TypedResults.Ok(new RescoreResponse(
            ScoreResponse.From(recomputed, calibrations.WinProbability(icpId, version, recomputed.Score)), matches));
    }

    private static async Task<IReadOnlyList<T>> EventsAsync<T>(IQuerySession session, Guid streamId, CancellationToken ct) =>
        [.. (await session.Events.FetchStreamAsync(streamId, token: ct)).Select(e => e.Data).OfType<T>()];

    private static async Task<(Guid BatchId, int Pos)> SnapshotPlaceAsync(ScoringDatabase database, Guid tenantId, Guid leadId,
        int snapshot, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await LeadSnapshots.PlaceAsync(connection, tenantId, leadId, snapshot, ct)
               ?? throw new InvalidOperationException($"Snapshot {snapshot} of lead {leadId} was scored but not recorded.");
    }
}
