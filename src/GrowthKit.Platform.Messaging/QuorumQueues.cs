using MassTransit;
using MassTransit.RabbitMqTransport.Configuration;
using Microsoft.Extensions.Configuration;

namespace GrowthKit.Platform.Messaging;

/// <summary>
/// Every durable queue of the services is a RabbitMQ quorum queue: replicated over
/// <see cref="Replicas"/> brokers (Raft), so a cluster keeps every confirmed message when one broker
/// dies. A message handed back to its queue more than <see cref="DeliveryLimit"/> times (a consumer
/// that crashes its process, a long run of outages) is dead-lettered at least once into the
/// endpoint's <c>_error</c> exchange, where <see cref="Resilience.DeadLetters"/> counts and re-drives it
/// like any other failure. Temporary endpoints (auto-delete, exclusive, expiring) stay classic:
/// quorum queues cannot be any of these.
/// </summary>
public sealed record QuorumQueues(int Replicas, int DeliveryLimit)
{
    public const string ReplicasKey = "GrowthKit:Messaging:QuorumReplicas";
    public const string DeliveryLimitKey = "GrowthKit:Messaging:DeliveryLimit";
    public const int DefaultDeliveryLimit = 20;

    private const string QueueType = "x-queue-type";
    private const string InitialGroupSize = "x-quorum-initial-group-size";
    private const string DeliveryLimitArgument = "x-delivery-limit";
    private const string DeadLetterExchange = "x-dead-letter-exchange";
    private const string DeadLetterStrategy = "x-dead-letter-strategy";
    private const string Overflow = "x-overflow";

    /// <summary>One broker locally (replication factor 1); the production overlay says 3.</summary>
    public static QuorumQueues FromConfiguration(IConfiguration configuration)
    {
        var replicas = configuration.GetValue(ReplicasKey, 1);
        var limit = configuration.GetValue(DeliveryLimitKey, DefaultDeliveryLimit);
        if (replicas < 1) throw new InvalidOperationException($"{ReplicasKey} must be 1 or more (got {replicas}).");
        if (limit < 1) throw new InvalidOperationException($"{DeliveryLimitKey} must be 1 or more (got {limit}).");
        return new QuorumQueues(replicas, limit);
    }

    /// <summary>
    /// The arguments of a consumer's queue: quorum, the delivery limit, and dead-lettering into its
    /// error exchange. At-least-once dead-lettering (RabbitMQ 3.10+) keeps a dead letter in the
    /// source queue until the error queue confirmed it; it needs <c>x-overflow: reject-publish</c>.
    /// </summary>
    public Dictionary<string, object?> ConsumerQueueArguments(string queue) => new()
    {
        [QueueType] = "quorum",
        [InitialGroupSize] = Replicas,
        [DeliveryLimitArgument] = DeliveryLimit,
        [DeadLetterExchange] = queue + Resilience.DeadLetters.ErrorSuffix,
        [DeadLetterStrategy] = "at-least-once",
        [Overflow] = "reject-publish",
    };

    /// <summary>
    /// The arguments of an <c>_error</c> or <c>_skipped</c> queue: quorum too (dead letters must
    /// survive a broker), but no delivery limit and no dead-lettering of its own. MassTransit copies
    /// the consumer queue's arguments to them; <see cref="StripFromErrorQueue"/> removes these.
    /// </summary>
    public Dictionary<string, object?> ErrorQueueArguments() => new()
    {
        [QueueType] = "quorum",
        [InitialGroupSize] = Replicas,
    };

    /// <summary>True for a queue that may be a quorum queue: durable, not auto-delete, not exclusive, not expiring.</summary>
    public static bool IsDurable(IReceiveEndpointConfigurator endpoint) =>
        endpoint is RabbitMqReceiveEndpointConfiguration { Settings: var settings }
        && settings is { Durable: true, AutoDelete: false, Exclusive: false }
        && !settings.QueueArguments.ContainsKey("x-expires");

    /// <summary>Makes <paramref name="endpoint"/>'s queue a quorum queue; a temporary endpoint is left classic.</summary>
    public bool Apply(string queue, IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is not IRabbitMqReceiveEndpointConfigurator rabbit || !IsDurable(endpoint)) return false;
        rabbit.SetQuorumQueue(Replicas);
        foreach (var (key, value) in ConsumerQueueArguments(queue))
            rabbit.SetQueueArgument(key, value);
        return true;
    }

    /// <summary>For <c>SendTopology.ConfigureErrorSettings</c> / <c>ConfigureDeadLetterSettings</c>.</summary>
    public static void StripFromErrorQueue(IRabbitMqQueueConfigurator queue)
    {
        queue.SetQueueArgument(DeliveryLimitArgument, null!);
        queue.SetQueueArgument(DeadLetterExchange, null!);
        queue.SetQueueArgument(DeadLetterStrategy, null!);
        queue.SetQueueArgument(Overflow, null!);
    }
}
