using GrowthKit.Contracts;
using MassTransit;

namespace GrowthKit.Refinement.Deals;

/// <summary>
/// Closed deals from elsewhere than the HTTP API (a CRM sync, a CSV import), taken exactly as
/// <c>POST /api/deals/batch</c> takes them (<see cref="DealIntake"/>): a repeated deal id records
/// nothing, so a redelivered request is answered alike. A deal whose lead refinement does not know
/// yet is refused by index with the error on <c>externalId</c>/<c>leadId</c>; the sender may send it again.
/// </summary>
public sealed class RecordDealsConsumer(DealIntake intake) : IConsumer<RecordDeals>
{
    public async Task Consume(ConsumeContext<RecordDeals> context)
    {
        var request = context.Message;
        if (request.Deals.Count > DealIntake.MaxDeals)
        {
            var message = $"A request holds at most {DealIntake.MaxDeals} deals; this one holds {request.Deals.Count}.";
            await context.RespondAsync(new DealsTaken(request.TenantId, request.RequestId, [],
                [.. request.Deals.Select((_, index) => new RejectedItem(index, new Dictionary<string, string[]> { ["deal"] = [message] }))]));
            return;
        }

        var outcomes = await intake.RecordAsync(request.TenantId, $"{request.Source}:{request.By}",
            [.. request.Deals.Select((deal, index) => intake.Read(index, deal))], context.CancellationToken);
        await context.RespondAsync(new DealsTaken(request.TenantId, request.RequestId,
            [.. outcomes.Where(o => o.Read.IsValid).Select(o => new TakenDeal(o.Index, o.DealId!))],
            [.. outcomes.Where(o => !o.Read.IsValid).Select(o => new RejectedItem(o.Index, o.Read.ErrorMap))]));
    }
}
