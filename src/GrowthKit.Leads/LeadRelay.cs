using System.Globalization;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Platform.Messaging;
using GrowthKit.ServiceDefaults;
using JasperFx.Events;
using MassTransit;

namespace GrowthKit.Leads;

/// <summary>
/// Announces new lead snapshots to scoring from the committed events: one <see cref="LeadsReceived"/>
/// per relayed page and tenant, since per-lead messages would make the broker's cost per message the pipeline's limit.
/// </summary>
public sealed class LeadRelay(IBus bus, ILogger<LeadRelay> logger) : IntegrationRelay(bus, logger)
{
    /// <summary>
    /// Events per relayed page, so at most this many leads per message (about 1 MB with their raw input).
    /// Larger pages relay more leads a second (fewer messages, fewer commits; bench/ measures it),
    /// and the broker takes such messages easily.
    /// </summary>
    public const int PageSize = 1000;

    /// <summary>
    /// A message is cut before it would pass this many bytes (estimated from the leads' raw input, which
    /// dominates): far below the broker's limit, so one tenant's large leads never stop the relay for all.
    /// </summary>
    public const int MaxMessageBytes = 1024 * 1024;

    protected override IEnumerable<RelayedMessage> ToMessages(IReadOnlyList<IEvent> page) =>
        page.Where(e => e.Data is LeadSnapshotRecorded)
            .GroupBy(e => e.TenantId, StringComparer.Ordinal)
            .SelectMany(tenantEvents => Chunks(tenantEvents.ToList()).Select(events =>
            {
                var tenant = Guid.Parse(tenantEvents.Key);
                var leads = events.Select(e => ToLeadReceived(tenant, (LeadSnapshotRecorded)e.Data)).ToList();
                return new RelayedMessage(new LeadsReceived(tenant, leads), MessageIdOf(tenantEvents.Key, events), events);
            }));

    /// <summary>Consecutive runs of events whose estimated message size stays within <see cref="MaxMessageBytes"/>.</summary>
    public static IEnumerable<IReadOnlyList<IEvent>> Chunks(IReadOnlyList<IEvent> events)
    {
        var chunk = new List<IEvent>();
        long bytes = 0;
        foreach (var e in events)
        {
            var size = EstimatedBytes((LeadSnapshotRecorded)e.Data);
            if (chunk.Count > 0 && bytes + size > MaxMessageBytes)
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }
            chunk.Add(e);
            bytes += size;
        }
        if (chunk.Count > 0) yield return chunk;
    }

    // The raw input travels as sent and the normalised lead is at most its size again; the rest is ids.
    private static long EstimatedBytes(LeadSnapshotRecorded recorded) =>
        2L * System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(recorded.Raw).Length + 512;

    private static LeadReceived ToLeadReceived(Guid tenant, LeadSnapshotRecorded r) =>
        new(tenant, r.LeadId, r.ExternalId, r.Snapshot, LeadJson.ToElement(r.Lead), r.Raw, r.RecordedAt);

    /// <summary>
    /// The same events relayed again (after a crash before the checkpoint was stored) get the same id,
    /// so a consumer and a trace can recognise the redelivery. A page cut differently on the retry
    /// gets another id: consumers stay idempotent per lead snapshot regardless.
    /// </summary>
    public static Guid MessageIdOf(string tenant, IReadOnlyList<IEvent> events) =>
        DeterministicId.For(nameof(LeadsReceived), tenant,
            events[0].Sequence.ToString(CultureInfo.InvariantCulture),
            events[^1].Sequence.ToString(CultureInfo.InvariantCulture));
}
