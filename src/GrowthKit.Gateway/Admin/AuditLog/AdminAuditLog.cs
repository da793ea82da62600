using System.Security.Claims;
using GrowthKit.Gateway.Authentication;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Gateway.Admin.AuditLog;

/// <summary>
/// One admin action, written in the same transaction as the change it records, so the log never
/// misses a change nor tells of one that was rolled back.
/// </summary>
/// <param name="Actor">Who: <c>admin</c> and a short hash of the admin credential used, so a rotated key shows.</param>
/// <param name="Details">What changed, beyond the action's name (a key's id and name, a quota); never a secret.</param>
public sealed record AdminAuditEntry(Guid Id, DateTimeOffset At, string Actor, string Action, Guid? TenantId,
    IReadOnlyDictionary<string, string?> Details);

public static class AdminActions
{
    public const string TenantCreated = "tenant.created";
    public const string ApiKeyIssued = "api-key.issued";
    public const string ApiKeyRevoked = "api-key.revoked";
    public const string QuotaChanged = "quota.changed";

    /// <summary>Queues the entry on the session that makes the change.</summary>
    public static void Record(this IDocumentSession session, ClaimsPrincipal admin, DateTimeOffset now, string action,
        Guid? tenantId, IReadOnlyDictionary<string, string?> details) =>
        session.Insert(new AdminAuditEntry(Guid.CreateVersion7(now), now, AdminKeyAuthenticationHandler.Actor(admin), action,
            tenantId, details));
}

public static class AdminAuditLogFeature
{
    public static RouteGroupBuilder MapAdminAuditLog(this RouteGroupBuilder admin)
    {
        admin.MapGet("/audit-log", Read)
            .WithName("ReadAdminAuditLog")
            .WithSummary("Every admin action (tenant created, key issued or revoked, quota changed), newest first")
            .WithDescription($"Pass the answer's nextCursor as cursor for the next page; limit defaults to {Paging.DefaultLimit}, at most {Paging.MaxLimit}. "
                             + "tenantId narrows the log to one tenant.")
            .ProducesValidationProblem();
        return admin;
    }

    /// <summary>Ids are version-7 GUIDs: ordering by id is the order the actions happened in.</summary>
    private static async Task<Results<Ok<Page<AdminAuditEntry>>, ProblemHttpResult>> Read(
        IDocumentStore store, CancellationToken ct, int? limit = null, Guid? cursor = null, Guid? tenantId = null)
    {
        if (Paging.CheckLimit(limit, out var take) is { } problem) return problem;

        await using var session = store.QuerySession();
        var query = session.Query<AdminAuditEntry>().AsQueryable();
        if (cursor is { } before) query = query.Where(e => e.Id.CompareTo(before) < 0);
        if (tenantId is { } tenant) query = query.Where(e => e.TenantId == tenant);
        var page = await query.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.From(page, take, e => e, e => e.Id.ToString()));
    }
}
