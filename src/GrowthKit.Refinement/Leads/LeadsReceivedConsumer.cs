using GrowthKit.Contracts;
using GrowthKit.Platform.Messaging;
using GrowthKit.ServiceDefaults;
using MassTransit;

namespace GrowthKit.Refinement.Leads;

public sealed class LeadsReceivedEndpoint : LeadBatchConsumerDefinition<LeadsReceivedConsumer>;

/// <summary>
/// Keeps refinement's view of each lead (the latest normalised snapshot) from the leads service's
/// batches, on refinement's own queue: deals name these leads, and closed deals are scored from them.
/// </summary>
public sealed class LeadsReceivedConsumer(KnownLeads leads) : IConsumer<LeadsReceived>
{
    public Task Consume(ConsumeContext<LeadsReceived> context) =>
        leads.RecordAsync(context.Message.TenantId, context.Message.Leads, context.CancellationToken);
}
