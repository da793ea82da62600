using GrowthKit.Contracts;
using Marten;
using MassTransit;

namespace GrowthKit.Leads.Receiving;

/// <summary>
/// Leads from elsewhere than the HTTP API (a CRM sync, a CSV import), taken exactly as
/// <c>POST /api/leads/batch</c> takes them: the same reading, normalisation, decision and metering
/// (<see cref="LeadIntake.TakeAsync"/>). A redelivered request finds its leads unchanged and records
/// nothing, so it is answered alike. Senders keep a request to <see cref="ReceiveLeadBatchFeature.MaxLeads"/>
/// items; a larger one is refused item by item rather than written half.
/// </summary>
public sealed class ReceiveLeadsConsumer(IDocumentStore store, SnapshotAppender appender, TimeProvider clock)
    : IConsumer<ReceiveLeads>
{
    public async Task Consume(ConsumeContext<ReceiveLeads> context)
    {
        var request = context.Message;
        if (request.Leads.Count > ReceiveLeadBatchFeature.MaxLeads)
        {
            await context.RespondAsync(Refused(request,
                $"A request holds at most {ReceiveLeadBatchFeature.MaxLeads} leads; this one holds {request.Leads.Count}."));
            return;
        }

        var (leads, quotaExceeded) = await LeadIntake.TakeAsync(store, appender, clock, request.TenantId, request.Leads,
            context.CancellationToken);
        if (quotaExceeded)
        {
            await context.RespondAsync(Refused(request, "The tenant's monthly lead quota is used up; it starts over next month (UTC)."));
            return;
        }
        await context.RespondAsync(new LeadsTaken(request.TenantId, request.RequestId,
            [.. leads.Where(l => l.Command is not null).Select(l => new TakenLead(l.Index, l.Command!.LeadId, l.Command.Lead.ExternalId!))],
            [.. leads.Where(l => l.Command is null).Select(l => new RejectedItem(l.Index, l.Errors!))]));
    }

    private static LeadsTaken Refused(ReceiveLeads request, string message) =>
        new(request.TenantId, request.RequestId, [],
            [.. request.Leads.Select((_, index) => new RejectedItem(index, new Dictionary<string, string[]> { ["lead"] = [message] }))]);
}
