using System.Security.Claims;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Scoring.Quarantined;

public sealed record QuarantinedLeadView(Guid LeadId, int Snapshot, Guid? IcpId, int? IcpVersion, string Reason, DateTimeOffset QuarantinedAt);

public sealed record QuarantinePage(IReadOnlyList<QuarantinedLeadView> Items, string? NextCursor);

public static class ReadQuarantineFeature
{
    public static RouteGroupBuilder MapReadQuarantine(this RouteGroupBuilder group)
    {
        group.MapGet("/quarantine", Read)
            .WithName("ReadQuarantine")
            .WithSummary("Leads that could not be scored, with the reason; the rest of their batch was scored")
            .WithDescription("A lead lands here when scoring it fails (against one ICP version, or at all). Fix the lead and send it again, or the ICP.")
            .ProducesValidationProblem();
        return group;
    }

    private static async Task<Results<Ok<QuarantinePage>, ProblemHttpResult>> Read(ClaimsPrincipal user, ScoringDatabase database,
        string? cursor, int? limit, CancellationToken ct)
    {
        var size = limit ?? 100;
        if (size is < 1 or > 1000) return ApiDefaults.FieldProblem("limit", "'limit' must be between 1 and 1000.");
        long after = 0;
        if (cursor is not null && (!long.TryParse(cursor, out after) || after < 0))
            return ApiDefaults.FieldProblem("cursor", "'cursor' must be a nextCursor this route returned.");

        await using var connection = await database.OpenAsync(ct);
        var found = await Quarantine.ReadAsync(connection, user.TenantId(), after, size + 1, ct);
        var items = found.Take(size).Select(q => new QuarantinedLeadView(q.LeadId, q.Snapshot, q.IcpId, q.IcpVersion, q.Reason, q.QuarantinedAt)).ToList();
        return TypedResults.Ok(new QuarantinePage(items, found.Count > size ? found[size - 1].Id.ToString() : null));
    }
}
