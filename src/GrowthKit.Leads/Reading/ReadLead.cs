using System.Security.Claims;
using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Leads.Reading;

/// <summary>
/// A lead as the leads service accepted it, in the shape of <c>GET /api/leads/{leadId}</c>: its newest
/// snapshot and no scores yet, since scores are scoring's; <paramref name="Scoring"/> says so.
/// </summary>
public sealed record LeadAsAccepted(
    Guid LeadId, string ExternalId, int Snapshot, JsonElement Lead, JsonElement Raw, IReadOnlyList<JsonElement> Scores,
    string Scoring)
{
    /// <summary>The value of <c>scoring</c> while scoring has not recorded the lead.</summary>
    public const string Pending = "pending";
}

/// <summary>
/// The leads service's own read of its leads, for the gateway: a lead reads from scoring (its scores are
/// there), and until scoring has recorded a lead just accepted, the gateway asks here instead
/// (<c>LeadReadFallback</c> in the gateway). Internal routes, tenant-scoped by the internal token like every
/// route of the service; the public routes stay <c>/api/leads/…</c>, documented by scoring.
/// </summary>
public static class ReadLeadFeature
{
    public const string RoutePrefix = "internal/leads";

    /// <summary>
    /// Left out of the service's document, as its other internal routes are: the public contract of these
    /// reads is scoring's <c>GetLead</c>, whose description tells of <c>scoring: "pending"</c>.
    /// </summary>
    public static RouteGroupBuilder MapReadLead(this RouteGroupBuilder group)
    {
        group.MapGet("/{leadId:guid}", ById).ExcludeFromDescription();
        group.MapGet("/by-external-id/{externalId}", ByExternalId).ExcludeFromDescription();
        return group;
    }

    private static Task<Results<Ok<LeadAsAccepted>, ProblemHttpResult>> ById(
        Guid leadId, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct) =>
        ReadAsync(store, user.TenantId(), leadId, ct);

    /// <summary>A lead's id is derived from its tenant and normalised external id, so no index is needed.</summary>
    private static Task<Results<Ok<LeadAsAccepted>, ProblemHttpResult>> ByExternalId(
        string externalId, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        var tenant = user.TenantId();
        return ReadAsync(store, tenant, DeterministicId.For(tenant.ToString(), externalId.Trim()), ct);
    }

    private static async Task<Results<Ok<LeadAsAccepted>, ProblemHttpResult>> ReadAsync(
        IDocumentStore store, Guid tenant, Guid leadId, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant.ToString());
        // The newest event of the lead's stream only: one indexed row, however many snapshots it has.
        var newest = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId == leadId)
            .OrderByDescending(e => e.Sequence)
            .FirstOrDefaultAsync(ct);
        if (newest?.Data is not LeadSnapshotRecorded snapshot)
        {
            return ApiDefaults.NotFoundProblem("Lead", "No lead with this id or externalId was accepted for this tenant.");
        }
        return TypedResults.Ok(new LeadAsAccepted(snapshot.LeadId, snapshot.ExternalId, snapshot.Snapshot,
            LeadJson.ToElement(snapshot.Lead), snapshot.Raw, [], LeadAsAccepted.Pending));
    }
}
