using System.Security.Claims;
using System.Text.Json.Serialization;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

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
        await using var command = new NpgsqlCommand($"""
            select sum(total)::int, sum(scored)::int, min(started_at),
                   case when bool_and(finished_at is not null) then max(finished_at) end,
                   coalesce(array_agg(distinct failed_reason) filter (where failed_reason is not null), array[]::text[])
            from {ScoringTables.Schema}.rescorings
            where tenant_id = $1 and icp_id = $2 and icp_version = $3
            having count(*) > 0
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = user.TenantId() });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = icpId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return ApiDefaults.NotFoundProblem("Re-scoring of that ICP version");
        return TypedResults.Ok(new RescoringProgress(reader.GetInt32(0), reader.GetInt32(1),
            reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
            reader.GetFieldValue<string[]>(4)));
    }
}
