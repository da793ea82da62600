using GrowthKit.Contracts;
using MassTransit;

namespace GrowthKit.Refinement.Leads;

public sealed class LeadsReceivedEndpoint : ConsumerDefinition<LeadsReceivedConsumer>
{
    public LeadsReceivedEndpoint()
    {
        // One statement per batch is cheap; two at a time keep up with the relay without crowding scoring.
        ConcurrentMessageLimit = 2;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LeadsReceivedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.PrefetchCount = 4;
    }
}

/// <summary>
/// Keeps refinement's view of each lead (the latest normalised snapshot) from the leads service's
/// batches, on refinement's own queue: deals name these leads, and closed deals are scored from them.
/// </summary>
public sealed class LeadsReceivedConsumer(KnownLeads leads) : IConsumer<LeadsReceived>
{
    public Task Consume(ConsumeContext<LeadsReceived> context) =>
        leads.RecordAsync(context.Message.TenantId, context.Message.Leads, context.CancellationToken);
}
