using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using GrowthKit.Model;
using GrowthKit.Refinement.Deals;
using GrowthKit.Refinement.Icps;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Refinement.Reports;

/// <summary>The gap report: API.md's fields, then per-criterion figures and the shrunk estimates beside them.</summary>
public sealed record GapReport(
    Guid IcpId,
    int IcpVersion,
    int ClosedDeals,
    int Won,
    int Lost,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Auc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinsRankedAB,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? LossesRankedAB,
    IReadOnlyList<ValueFigures> Values,
    IReadOnlyList<CriterionFigures> Criteria,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] WinProbabilityReport? WinProbability)
{
    public static GapReport Of(Guid icpId, int version, GapFigures f, WinProbabilityCalibration? calibration) =>
        new(icpId, version, f.ClosedDeals, f.Won, f.Lost, f.WinRate, f.Auc, f.WinsRankedAB, f.LossesRankedAB, f.Values, f.Criteria,
            calibration is null ? null : new WinProbabilityReport(calibration.Tiers));
}

/// <summary>
/// Per tier: its deals and wins, the mean calibrated chance of winning of its deals, and the 95 % (Wilson)
/// interval of its win rate. Null until there are enough won and lost deals to calibrate (the rule of
/// <see cref="WinProbabilityCalibration.Fit(IcpDefinition, IReadOnlyList{ClosedDeal})"/>).
/// </summary>
public sealed record WinProbabilityReport(IReadOnlyList<TierProbability> Tiers);

public sealed record BacktestRequest(IcpDefinition? Definition);

/// <summary>
/// The gap report's figures for a draft, over every closed deal; and, once there are enough deals
/// to hold some back, the AUC of the draft and of the published version on the newest deals.
/// </summary>
public sealed record BacktestReport(
    Guid IcpId,
    int PublishedVersion,
    int ClosedDeals,
    int Won,
    int Lost,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Auc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinsRankedAB,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? LossesRankedAB,
    IReadOnlyList<ValueFigures> Values,
    IReadOnlyList<CriterionFigures> Criteria,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? PublishedAuc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] HoldoutFigures? Holdout);

public sealed record HoldoutFigures(int Deals, DateTimeOffset From, double Auc, double PublishedAuc);

public static class GapReportApi
{
    public static RouteGroupBuilder MapGapReport(this RouteGroupBuilder group)
    {
        group.MapGet("/{icpId:guid}/gap-report", Read)
            .WithName("ReadGapReport")
            .WithSummary("The published ICP against the closed deals: win rate, AUC, A/B shares, and per value and criterion the win rate with and without it")
            .WithDescription("Each deal's lead (its latest snapshot) is scored with the latest published version. AUC is the Mann-Whitney "
                             + "statistic (ties count one half). Per value: lift = winRate / the overall win rate; shrunkWinRate is the "
                             + "Beta-binomial estimate (a prior of 10 deals at the overall rate); z and evidence say how clearly it differs from the rest. "
                             + "winProbability: per tier the calibrated chance of winning (isotonic in the score) with the 95% interval of its "
                             + $"win rate; null before {WinProbabilityCalibration.MinWon} won and {WinProbabilityCalibration.MinLost} lost deals.")
            .Produces<GapReport>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{icpId:guid}/backtest", Backtest)
            .WithName("BacktestDefinition")
            .WithSummary("The gap report's figures for a draft definition, before it is published")
            .Produces<BacktestReport>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    private static async Task<Results<Ok<GapReport>, ProblemHttpResult>> Read(Guid icpId, ClaimsPrincipal user,
        IDocumentStore store, ClosedDeals closedDeals, CancellationToken ct)
    {
        var tenant = user.TenantId();
        await using var session = store.QuerySession(tenant.ToString());
        if (await session.LoadAsync<KnownIcp>(icpId, ct) is not { } icp) return ApiDefaults.NotFoundProblem("Published ICP");
        var deals = await closedDeals.LoadAsync(session, tenant, ct);
        var definition = icp.Definition.Deserialize<IcpDefinition>(ModelJson.Options)!;
        return TypedResults.Ok(GapReport.Of(icpId, icp.Version, GapAnalysis.Analyse(definition, deals),
            WinProbabilityCalibration.Fit(definition, deals)));
    }

    private static async Task<Results<Ok<BacktestReport>, ProblemHttpResult>> Backtest(Guid icpId, BacktestRequest request,
        ClaimsPrincipal user, IDocumentStore store, ClosedDeals closedDeals, CancellationToken ct)
    {
        if (request.Definition is null) return ApiDefaults.FieldProblem("definition", "The draft definition is required.");
        // Built-in groups (regions, industry synonyms) are expanded as the ICP service would; a tenant's own groups are not known here.
        var definition = DefinitionExpansion.Expand(request.Definition, []);
        var validation = IcpDefinitionValidation.Validate(definition);
        if (!validation.IsValid) return validation.DefinitionProblem("definition");

        var tenant = user.TenantId();
        await using var session = store.QuerySession(tenant.ToString());
        if (await session.LoadAsync<KnownIcp>(icpId, ct) is not { } icp) return ApiDefaults.NotFoundProblem("Published ICP");
        var published = icp.Definition.Deserialize<IcpDefinition>(ModelJson.Options)!;
        var deals = await closedDeals.LoadAsync(session, tenant, ct);
        var f = GapAnalysis.Analyse(definition, deals);
        var publishedAuc = RankStatistics.Auc([.. deals.Select(d => (IcpScorer.Score(d.Lead, published).Score, d.Won))]);

        HoldoutFigures? holdout = null;
        var (_, newest) = Refiner.Split(deals);
        if (newest.Any(d => d.Won) && newest.Any(d => !d.Won))
        {
            holdout = new HoldoutFigures(newest.Count, newest[0].ClosedAt,
                Math.Round(Refiner.HoldoutAuc(definition, newest), 4), Math.Round(Refiner.HoldoutAuc(published, newest), 4));
        }
        return TypedResults.Ok(new BacktestReport(icpId, icp.Version, f.ClosedDeals, f.Won, f.Lost, f.WinRate, f.Auc,
            f.WinsRankedAB, f.LossesRankedAB, f.Values, f.Criteria,
            publishedAuc is { } a ? Math.Round(a, 4) : null, holdout));
    }
}
