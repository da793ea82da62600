using System.Security.Claims;
using System.Text.Json;
using GrowthKit.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Refinement.Deals;

/// <summary>The shape of a deal in the OpenAPI document; the endpoint reads the JSON itself to name each offending field.</summary>
public sealed record DealRequest(string? DealId, Guid? LeadId, string? ExternalId, string Outcome, decimal? Amount,
    DateTimeOffset? ClosedAt, string? Reason);

public sealed record DealBatchRequest(IReadOnlyList<DealRequest> Deals);

public sealed record DealAccepted(string DealId);

public sealed record AcceptedDeal(int Index, string DealId);

public sealed record RejectedDeal(int Index, IReadOnlyDictionary<string, string[]> Errors);

public sealed record DealBatchAnswer(IReadOnlyList<AcceptedDeal> Accepted, IReadOnlyList<RejectedDeal> Rejected);

public static class RecordDealsFeature
{
    private const string Description =
        "dealId is your own id (generated when absent); a repeated dealId changes nothing. Name the lead by leadId or "
        + "externalId (leadId wins when both are sent); a lead the tenant never sent is refused. outcome is \"won\" or \"lost\"; "
        + "closedAt defaults to now.";

    public static RouteGroupBuilder MapRecordDeals(this RouteGroupBuilder group)
    {
        group.MapPost("/", RecordOne)
            .WithName("RecordDeal")
            .WithSummary("Record a closed deal, won or lost")
            .WithDescription(Description)
            .Accepts<DealRequest>("application/json")
            .Produces<DealAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/batch", RecordBatch)
            .WithName("RecordDealBatch")
            .WithSummary($"Record up to {DealIntake.MaxDeals} closed deals at once")
            .WithDescription(Description + " Invalid deals and deals of unknown leads are rejected one by one, by index.")
            .Accepts<DealBatchRequest>("application/json")
            .Produces<DealBatchAnswer>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();
        return group;
    }

    private static async Task<Results<Accepted<DealAccepted>, ProblemHttpResult>> RecordOne(
        JsonElement body, ClaimsPrincipal user, DealIntake intake, CancellationToken ct)
    {
        var read = intake.Read(0, body);
        if (!read.IsValid) return ApiDefaults.FieldProblems(read.ErrorMap.ToDictionary(), read.Status);
        var outcome = (await intake.RecordAsync(user, [read], ct))[0];
        if (!outcome.Read.IsValid)
        {
            return ApiDefaults.FieldProblems(outcome.Read.ErrorMap.ToDictionary(), StatusCodes.Status404NotFound,
                "The deal's lead was never sent.", "Push the lead first (POST /api/leads), then its deal.");
        }
        return TypedResults.Accepted((string?)null, new DealAccepted(outcome.DealId!));
    }

    private static async Task<Results<Accepted<DealBatchAnswer>, ProblemHttpResult>> RecordBatch(
        JsonElement body, ClaimsPrincipal user, DealIntake intake, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return ApiDefaults.FieldProblem("body", "The batch must be a JSON object: {\"deals\": [...]}.");
        var deals = body.EnumerateObject().LastOrDefault(p => string.Equals(p.Name, "deals", StringComparison.OrdinalIgnoreCase)).Value;
        if (deals.ValueKind != JsonValueKind.Array)
            return ApiDefaults.FieldProblem("deals", "The batch must hold its deals in an array: {\"deals\": [...]}.");
        var count = deals.GetArrayLength();
        if (count is 0 or > DealIntake.MaxDeals)
            return ApiDefaults.FieldProblem("deals", $"A batch holds 1 to {DealIntake.MaxDeals} deals; this one holds {count}.");

        var outcomes = await intake.RecordAsync(user, [.. deals.EnumerateArray().Select((deal, index) => intake.Read(index, deal))], ct);
        return TypedResults.Accepted((string?)null, new DealBatchAnswer(
            [.. outcomes.Where(o => o.Read.IsValid).Select(o => new AcceptedDeal(o.Index, o.DealId!))],
            [.. outcomes.Where(o => !o.Read.IsValid).Select(o => new RejectedDeal(o.Index, o.Read.ErrorMap))]));
    }
}
