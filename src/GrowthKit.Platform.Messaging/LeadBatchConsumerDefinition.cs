using MassTransit;

namespace GrowthKit.Platform.Messaging;

/// <summary>
/// The receive endpoint of a consumer of lead batches (<c>LeadsReceived</c>, up to 1,000 leads each),
/// the same in every service that keeps a view of the leads: two batches at a time — one is worked on
/// while the other is written; more only contend for the same cores and database — and four
/// prefetched, so the next is at hand without a service hoarding what another instance could take.
/// </summary>
public abstract class LeadBatchConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public const int ConcurrentBatches = 2;
    public const int Prefetch = 4;

    protected LeadBatchConsumerDefinition() => ConcurrentMessageLimit = ConcurrentBatches;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.PrefetchCount = Prefetch;
    }
}
