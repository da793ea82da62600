using System.Security.Claims;
using System.Text.Json;
using GrowthKit.Scoring.Scores;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Scoring.LeadsView;

public sealed record LeadResponse(
    Guid LeadId, string ExternalId, int Snapshot, JsonElement Lead, JsonElement Raw, IReadOnlyList<ScoreResponse> Scores)
{
    public static LeadResponse From(ScoredLead l) =>
        new(l.Id, l.ExternalId, l.Snapshot, l.Lead, l.Raw, [.. l.Scores.Select(ScoreResponse.From)]);
}

public sealed record ScoreResponse(
    Guid IcpId, int IcpVersion, int Snapshot, decimal Score, string Tier,
    IReadOnlyList<GrowthKit.Model.CriterionResult> Breakdown, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] GrowthKit.Model.DisqualifiedBy? DisqualifiedBy,
    string ModelVersion, string InputHash, DateTimeOffset ScoredAt)
{
    public static ScoreResponse From(LeadScored s) => new(s.IcpId, s.IcpVersion, s.Snapshot, s.Score, s.Tier,
        s.Breakdown, s.DisqualifiedBy, s.ModelVersion, s.InputHash, s.ScoredAt);
}

public static class ReadLeadsFeature
{
    public static RouteGroupBuilder MapReadLeads(this RouteGroupBuilder group)
    {
        group.MapGet("/{leadId:guid}", ById)
            .WithName("GetLead")
            .WithSummary("A lead's normalised snapshot, raw input and current score for each published ICP")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/by-external-id/{externalId}", ByExternalId)
            .WithName("GetLeadByExternalId")
            .WithSummary("The same as GetLead, found by the consumer's own id")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<LeadResponse>, ProblemHttpResult>> ById(
        Guid leadId, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession(user.TenantId().ToString());
        var lead = await session.LoadAsync<ScoredLead>(leadId, ct);
        return lead is null ? ApiDefaults.NotFoundProblem("Lead") : TypedResults.Ok(LeadResponse.From(lead));
    }

    private static async Task<Results<Ok<LeadResponse>, ProblemHttpResult>> ByExternalId(
        string externalId, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession(user.TenantId().ToString());
        var id = externalId.Trim();
        var lead = await session.Query<ScoredLead>().FirstOrDefaultAsync(x => x.ExternalId == id, ct);
        return lead is null ? ApiDefaults.NotFoundProblem("Lead") : TypedResults.Ok(LeadResponse.From(lead));
    }
}
