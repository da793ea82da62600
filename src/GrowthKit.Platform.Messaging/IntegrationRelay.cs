using System.Diagnostics;
using GrowthKit.Platform.Persistence;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrowthKit.Platform.Messaging;

/// <summary>An integration message made from one or more committed events, with the id it is published under.</summary>
public sealed record RelayedMessage(object Message, Guid MessageId, IReadOnlyList<IEvent> Events);

/// <summary>
/// Publishes integration messages from committed events. The daemon stores the subscription's
/// checkpoint in Postgres only after the page was published (with publisher confirms), so a crash
/// re-publishes at most a page: at-least-once, and consumers are idempotent.
/// </summary>
public abstract class IntegrationRelay(IBus bus, ILogger logger) : SubscriptionBase
{
    // A batch of many requests would otherwise drag thousands of links into one span.
    private const int MaxTraceLinks = 32;

    /// <summary>The integration message for a stream event, or null when it is not announced.</summary>
    protected virtual object? ToMessage(IEvent @event) => null;

    /// <summary>
    /// The messages for a page of events, in the order they are published. By default one per event
    /// (<see cref="ToMessage"/>) under the event's id; override to announce a page in fewer, larger messages.
    /// </summary>
    protected virtual IEnumerable<RelayedMessage> ToMessages(IReadOnlyList<IEvent> page)
    {
        foreach (var @event in page)
        {
            // A stable message id per event lets consumers and traces recognise a redelivery.
            if (ToMessage(@event) is { } message) yield return new RelayedMessage(message, @event.Id, [@event]);
        }
    }

    /// <summary>
    /// The messages for a page, when making them needs a read (for example the lead's external id);
    /// by default <see cref="ToMessages"/>.
    /// </summary>
    protected virtual Task<IEnumerable<RelayedMessage>> ToMessagesAsync(IReadOnlyList<IEvent> page, CancellationToken ct) =>
        Task.FromResult(ToMessages(page));

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        foreach (var relayed in await ToMessagesAsync(page.Events, cancellationToken))
        {
            var (message, messageId, events) = relayed;
            using var activity = StartActivity(message, events);
            await bus.Publish(message, message.GetType(), ctx => ctx.MessageId = messageId, cancellationToken);
        }

        logger.LogDebug("Relayed events {Floor}..{Ceiling}", page.SequenceFloor, page.SequenceCeiling);
        return NullChangeListener.Instance;
    }

    /// <summary>
    /// Continues the trace of the request that wrote the first event; the other requests whose events
    /// the message carries are linked.
    /// </summary>
    private static Activity? StartActivity(object message, IReadOnlyList<IEvent> events)
    {
        if (events.Count == 0) return null;
        var parent = events[0].TraceContext() ?? default;
        var links = events.Skip(1)
            .Select(e => e.TraceContext())
            .OfType<ActivityContext>()
            .Where(c => c.TraceId != parent.TraceId)
            .DistinctBy(c => c.TraceId)
            .Take(MaxTraceLinks)
            .Select(c => new ActivityLink(c))
            .ToList();
        var activity = GrowthKitTelemetry.Source.StartActivity(
            $"relay {message.GetType().Name}", ActivityKind.Producer, parent, links: links);
        activity?.SetTag("growthkit.event.sequence", events[0].Sequence);
        activity?.SetTag("growthkit.event.count", events.Count);
        activity?.SetTag("growthkit.tenant", events[0].TenantId);
        return activity;
    }
}
