using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrowthKit.ServiceDefaults;

/// <summary>
/// Publishes integration messages from committed events. The daemon stores the subscription's
/// checkpoint in Postgres only after the page was published (with publisher confirms), so a crash
/// re-publishes at most a page: at-least-once, and consumers are idempotent.
/// </summary>
public abstract class IntegrationRelay(IBus bus, ILogger logger) : SubscriptionBase
{
    /// <summary>The integration message for a stream event, or null when it is not announced.</summary>
    protected abstract object? ToMessage(IEvent @event);

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        foreach (var @event in page.Events)
        {
            if (ToMessage(@event) is not { } message) continue;

            using var activity = GrowthKitTelemetry.Source.StartActivity(
                $"relay {message.GetType().Name}", ActivityKind.Producer, @event.TraceContext() ?? default);
            activity?.SetTag("growthkit.event.sequence", @event.Sequence);
            activity?.SetTag("growthkit.tenant", @event.TenantId);

            await bus.Publish(message, message.GetType(), ctx => ctx.MessageId = MessageIdOf(@event), cancellationToken);
        }

        logger.LogDebug("Relayed events {Floor}..{Ceiling}", page.SequenceFloor, page.SequenceCeiling);
        return NullChangeListener.Instance;
    }

    /// <summary>A stable message id per event lets consumers and traces recognise a redelivery.</summary>
    private static Guid MessageIdOf(IEvent @event) => @event.Id;
}
