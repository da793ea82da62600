using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using GrowthKit.Model;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Scoring.LeadsView;

/// <summary>A lead in a ranking: who it is and its score for the latest published version of the ICP.</summary>
public sealed record ListedLead(Guid LeadId, string ExternalId, JsonElement? Company, ListedScore Score);

/// <summary>API.md's score shape without the breakdown (GET /api/leads/{leadId} has it): a list stays light. <c>winProbability</c> as there.</summary>
public sealed record ListedScore(
    Guid IcpId, int IcpVersion, int Snapshot, decimal Score, string Tier,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DisqualifiedBy? DisqualifiedBy,
    string ModelVersion, string InputHash, DateTimeOffset ScoredAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinProbability);

public static class ListLeadsFeature
{
    private static readonly string[] Tiers = [TierNames.A, TierNames.B, TierNames.C, TierNames.D, TierNames.Disqualified];

    public static RouteGroupBuilder MapListLeads(this RouteGroupBuilder group)
    {
        group.MapGet("/", List)
            .WithName("ListLeads")
            .WithSummary("Leads ranked by their score for the latest published version of an ICP, best first")
            .WithDescription("icpId is required. tier (A, B, C, D or disqualified) and minScore filter; the order is "
                             + "score descending, then leadId. A lead is listed once its current snapshot has a score "
                             + "for that version (during a re-scoring, leads not reached yet are not listed).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<Page<ListedLead>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, ScoringDatabase database, CancellationToken ct,
        string? icpId = null, string? tier = null, string? minScore = null, int? limit = null, string? cursor = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(icpId)) errors["icpId"] = ["icpId is required: the ICP whose scores rank the leads."];
        else if (!Guid.TryParse(icpId, out _)) errors["icpId"] = ["icpId must be a GUID."];
        var wantedTier = tier is null ? null : Tiers.FirstOrDefault(t => string.Equals(t, tier.Trim(), StringComparison.OrdinalIgnoreCase));
        if (tier is not null && wantedTier is null) errors["tier"] = [$"tier must be one of {string.Join(", ", Tiers)}."];
        decimal? min = null;
        if (minScore is not null)
        {
            if (decimal.TryParse(minScore, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) min = parsed;
            else errors["minScore"] = ["minScore must be a number."];
        }
        (decimal Score, Guid LeadId)? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (OpaqueCursor.TryRead(cursor, "s", out var parts) && parts.Length == 2
                && decimal.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
                && Guid.TryParse(parts[1], out var l))
            {
                after = (s, l);
            }
            else
            {
                errors["cursor"] = ["The cursor is not one this list gave."];
            }
        }
        if (Paging.CheckLimit(limit, out var take) is not null) errors["limit"] = [$"limit must be between 1 and {Paging.MaxLimit}."];
        if (errors.Count > 0) return ApiDefaults.FieldProblems(errors);

        var tenantId = user.TenantId();
        var icp = Guid.Parse(icpId!);
        await using var connection = await database.OpenAsync(ct);
        if (await IcpVersions.LatestVersionAsync(connection, tenantId, icp, ct) is not { } version)
        {
            return ApiDefaults.NotFoundProblem("ICP (with a published version)");
        }

        var calibrations = await WinCalibrations.LoadAsync(connection, tenantId, [(icp, version)], ct);
        var ranked = await LeadScores.RankingPageAsync(connection, tenantId, icp, version, wantedTier, min, after, take + 1, ct);
        var rows = ranked.Select(r => new ListedLead(r.LeadId, r.ExternalId, CompanyOf(r.Lead),
            new ListedScore(icp, version, r.Snapshot, r.Score, r.Tier,
                r.DisqualifiedKey is null ? null : new DisqualifiedBy(r.DisqualifiedKey, r.DisqualifiedReason!),
                r.ModelVersion, r.InputHash, r.ScoredAtUtc, calibrations.WinProbability(icp, version, r.Score)))).ToList();
        return TypedResults.Ok(Paging.From(rows, take, r => r,
            r => OpaqueCursor.Write("s", r.Score.Score.ToString(CultureInfo.InvariantCulture), r.LeadId.ToString())));
    }

    private static JsonElement? CompanyOf(string lead)
    {
        using var document = JsonDocument.Parse(lead);
        return document.RootElement.TryGetProperty("company", out var company) ? company.Clone() : null;
    }
}
