using System.ComponentModel.DataAnnotations;
using FluentValidation;
using System.Security.Claims;
using System.Text.Json.Serialization;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Refinement.Proposals;

public sealed record ProposalView(
    Guid ProposalId, string Status, int BaseVersion, IReadOnlyList<DefinitionChange> Changes, ProposalEvidence Evidence,
    double CurrentAuc, double ExpectedAuc, IcpDefinition Definition, string Reason, DateTimeOffset ProposedAt,
    int? Version, string? DecidedBy, string? DecisionReason, DateTimeOffset? DecidedAt)
{
    public static ProposalView Of(Proposal p) => new(p.ProposalId, p.Status, p.BaseVersion, p.Changes, p.Evidence,
        p.CurrentAuc, p.ExpectedAuc, p.Definition, p.Reason, p.ProposedAt, p.Version, p.DecidedBy, p.DecisionReason, p.DecidedAt);
}

/// <summary>
/// The ICP's proposals, newest first; <c>note</c> says why the latest review of the evidence gave no
/// proposal, when it gave none; <c>reviewedVersion</c>, <c>reviewedDeals</c> and <c>reviewedAt</c> say what
/// that review saw and when (null before the first review).
/// </summary>
public sealed record ProposalList(
    IReadOnlyList<ProposalView> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor,
    string? Note,
    int? ReviewedVersion = null,
    int? ReviewedDeals = null,
    DateTimeOffset? ReviewedAt = null);

public sealed record ProposalVersion(int Version);

public sealed record RejectRequest([property: MaxLength(GrowthKit.Model.Limits.ReasonLength)] string? Reason);

public sealed record RefinementSettingsRequest(
    [property: AllowedValues(RefinementModes.Manual, RefinementModes.Auto)] string? Mode,
    [property: Range(RefinementRules.EvidenceFloor, int.MaxValue)] int? MinWon,
    [property: Range(RefinementRules.EvidenceFloor, int.MaxValue)] int? MinLost,
    decimal? MaxWeightChange);

/// <summary>What a settings request must hold at all (400).</summary>
public sealed class RefinementSettingsShape : AbstractValidator<RefinementSettingsRequest>
{
    public RefinementSettingsShape() =>
        RuleFor(r => r.Mode).NotNull().WithMessage("'mode' is required: \"manual\" or \"auto\".").OverridePropertyName("mode");
}

/// <summary>The rules a settings request must keep (422).</summary>
public sealed class RefinementSettingsRules : AbstractValidator<RefinementSettingsRequest>
{
    public RefinementSettingsRules()
    {
        RuleFor(r => r.Mode).Must(m => m is null or RefinementModes.Manual or RefinementModes.Auto)
            .WithMessage(r => $"'mode' is \"manual\" or \"auto\", not \"{r.Mode}\".").OverridePropertyName("mode");
        RuleFor(r => r.MinWon).Must(n => n is null or >= RefinementRules.EvidenceFloor)
            .WithMessage($"'minWon' is at least {RefinementRules.EvidenceFloor}: fewer deals cannot carry a change.").OverridePropertyName("minWon");
        RuleFor(r => r.MinLost).Must(n => n is null or >= RefinementRules.EvidenceFloor)
            .WithMessage($"'minLost' is at least {RefinementRules.EvidenceFloor}: fewer deals cannot carry a change.").OverridePropertyName("minLost");
        RuleFor(r => r.MaxWeightChange).Must(c => c is null or > 0 and <= ProposalsApi.MaxWeightChangeLimit)
            .WithMessage($"'maxWeightChange' lies above 0 and at most {ProposalsApi.MaxWeightChangeLimit}.").OverridePropertyName("maxWeightChange");
    }
}

/// <summary>The rules a rejection must keep (422).</summary>
public sealed class RejectRules : AbstractValidator<RejectRequest>
{
    public RejectRules() =>
        RuleFor(r => r.Reason).Must(reason => reason is null || reason.Length <= GrowthKit.Model.Limits.ReasonLength)
            .WithMessage($"'reason' must be at most {GrowthKit.Model.Limits.ReasonLength} characters.").OverridePropertyName("reason");
}

public static class ProposalsApi
{
    /// <summary>Seconds a client should wait before accepting again after a 503.</summary>
    public const int RetryAfterSeconds = 5;

    public const decimal MaxWeightChangeLimit = 100;

    private static readonly RefinementSettingsShape SettingsShape = new();
    private static readonly RefinementSettingsRules SettingsRules = new();
    private static readonly RejectRules Rejecting = new();

    public static RouteGroupBuilder MapProposals(this RouteGroupBuilder group)
    {
        group.MapGet("/{icpId:guid}/proposals", List)
            .WithName("ListProposals")
            .WithSummary("Evidence-backed changes to the published ICP, newest first")
            .WithDescription("Reads only: the evidence is reviewed when deals arrive, a version is published or the settings change "
                             + "(after a quiet moment), and a proposal is made then. "
                             + $"Nothing is proposed before {RefinementRules.EvidenceFloor} won and {RefinementRules.EvidenceFloor} lost deals "
                             + "(or the ICP's minWon/minLost). Weights come from an L2-regularised logistic regression on the older "
                             + $"{100 - RefinementRules.HoldoutShare * 100}% of the closed deals by closedAt; currentAuc and expectedAuc are "
                             + "measured on the newest ones, which the fit never saw. A proposal from older evidence or for an older version is withdrawn (rejected by \"refinement\").")
            .Produces<ProposalList>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{icpId:guid}/proposals/{proposalId:guid}/accept", Accept)
            .WithName("AcceptProposal")
            .WithSummary("Publish the proposal as the ICP's next version, with its evidence as the reason")
            .WithDescription("Answers once the ICP service has published it; 503 with Retry-After when it does not answer in time "
                             + "(accepting again never publishes twice). 409 when the ICP moved on or has unpublished edits.")
            .Produces<ProposalVersion>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/{icpId:guid}/proposals/{proposalId:guid}/reject", Reject)
            .WithName("RejectProposal")
            .WithSummary("Reject the proposal; recorded with who and why")
            .Produces<ProposalView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{icpId:guid}/refinement", ReadSettings)
            .WithName("ReadRefinementSettings")
            .WithSummary("The ICP's refinement mode and guardrails")
            .Produces<RefinementSettings>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{icpId:guid}/refinement", ChangeSettings)
            .WithName("ChangeRefinementSettings")
            .WithSummary("Manual or auto refinement, and its guardrails")
            .WithDescription($"auto: after deals arrive (and {RefinementOptions.Section}:AutoDebounce of quiet) refinement accepts its own proposal, "
                             + $"at most one version per arrival of deals. minWon and minLost are at least {RefinementRules.EvidenceFloor}; "
                             + "maxWeightChange caps how many points one version may move a criterion's weight.")
            .Produces<RefinementSettings>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    /// <summary>Reads only: proposals are made when the evidence changes (<see cref="EvidenceReaction"/>).</summary>
    private static async Task<Results<Ok<ProposalList>, ProblemHttpResult>> List(Guid icpId, ClaimsPrincipal user,
        Marten.IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession(user.TenantId().ToString());
        if (await session.LoadAsync<Icps.KnownIcp>(icpId, ct) is null) return ApiDefaults.NotFoundProblem("Published ICP");
        var refinement = await session.LoadAsync<IcpRefinement>(icpId, ct) ?? IcpRefinement.Empty(icpId);
        var review = refinement.LastReview;
        return TypedResults.Ok(new ProposalList([.. refinement.Proposals.Reverse().Select(ProposalView.Of)], null,
            review?.WhyNone, review?.IcpVersion, review?.Deals, review?.At));
    }

    private static async Task<Results<Ok<ProposalVersion>, ProblemHttpResult>> Accept(Guid icpId, Guid proposalId,
        ClaimsPrincipal user, HttpResponse response, ProposalDesk desk, CancellationToken ct)
    {
        switch (await desk.AcceptAsync(user.TenantId(), icpId, proposalId, user.Actor(), ct))
        {
            case AcceptResult.Published published:
                return TypedResults.Ok(new ProposalVersion(published.Version));
            case AcceptResult.Conflict conflict:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The proposal cannot be published.",
                    detail: conflict.Reason);
            case AcceptResult.TimedOut:
                response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "The ICP service did not answer in time.",
                    detail: "Accept again after Retry-After; the proposal is published at most once.");
            default:
                return ApiDefaults.NotFoundProblem("Proposal");
        }
    }

    private static async Task<Results<Ok<ProposalView>, ProblemHttpResult>> Reject(Guid icpId, Guid proposalId,
        RejectRequest? request, ClaimsPrincipal user, ProposalDesk desk, CancellationToken ct)
    {
        if (Rejecting.Validate(request ?? new RejectRequest(null)) is { IsValid: false } broken)
            return broken.ValidationProblem(StatusCodes.Status422UnprocessableEntity);
        var proposal = await desk.RejectAsync(user.TenantId(), icpId, proposalId, user.Actor(), request?.Reason?.Trim(), ct);
        return proposal switch
        {
            null => ApiDefaults.NotFoundProblem("Proposal"),
            { Status: ProposalStatuses.Rejected } => TypedResults.Ok(ProposalView.Of(proposal)),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The proposal is already {proposal.Status}."),
        };
    }

    private static async Task<Results<Ok<RefinementSettings>, ProblemHttpResult>> ReadSettings(Guid icpId, ClaimsPrincipal user,
        Marten.IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession(user.TenantId().ToString());
        if (await session.LoadAsync<Icps.KnownIcp>(icpId, ct) is null) return ApiDefaults.NotFoundProblem("Published ICP");
        var refinement = await session.LoadAsync<IcpRefinement>(icpId, ct);
        return TypedResults.Ok(refinement?.Settings ?? RefinementSettings.Default);
    }

    private static async Task<Results<Ok<RefinementSettings>, ProblemHttpResult>> ChangeSettings(Guid icpId,
        RefinementSettingsRequest request, ClaimsPrincipal user, ProposalDesk desk, RefinementSignal signal, CancellationToken ct)
    {
        if (SettingsShape.Validate(request) is { IsValid: false } malformed)
            return malformed.ValidationProblem(StatusCodes.Status400BadRequest);
        if (SettingsRules.Validate(request) is { IsValid: false } broken)
            return broken.ValidationProblem(StatusCodes.Status422UnprocessableEntity);

        var settings = new RefinementSettings(request.Mode!, request.MinWon ?? RefinementRules.EvidenceFloor,
            request.MinLost ?? RefinementRules.EvidenceFloor, request.MaxWeightChange ?? RefinementRules.DefaultMaxWeightChange);
        var tenant = user.TenantId();
        if (await desk.ChangeSettingsAsync(tenant, icpId, settings, user.Actor(), ct) is not { } refinement)
            return ApiDefaults.NotFoundProblem("Published ICP");
        signal.SettingsChanged(tenant, icpId);
        return TypedResults.Ok(refinement.Settings);
    }
}
