using System.Security.Claims;
using System.Text.Json.Serialization;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Scoring.Rescoring;

/// <summary>
/// <paramref name="Total"/>: the tenant's leads when the re-scoring started (raised if more were
/// reached); <paramref name="Scored"/>: those that have a score for the version, by the re-scoring
/// or on arrival.
/// </summary>
/// <paramref name="Failed"/>: why parts of it were given up after failing again and again (their leads
/// keep their earlier scores); empty when none were.
public sealed record RescoringProgress(
    int Total, int Scored, DateTimeOffset StartedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? FinishedAt,
    IReadOnlyList<string> Failed);

public static class ReadRescoringFeature
{
    public static RouteGroupBuilder MapReadRescoring(this RouteGroupBuilder group)
    {
        group.MapGet("/{icpId:guid}/versions/{version:int}/rescoring", Read)
            .WithName("GetRescoring")
            .WithSummary("Progress of re-scoring every lead against a published ICP version")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<RescoringProgress>, ProblemHttpResult>> Read(
        Guid icpId, int version, ClaimsPrincipal user, ScoringDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await Rescorings.ProgressAsync(connection, user.TenantId(), icpId, version, ct) is { } progress
            ? TypedResults.Ok(progress)
            : ApiDefaults.NotFoundProblem("Re-scoring of that ICP version");
    }
}
