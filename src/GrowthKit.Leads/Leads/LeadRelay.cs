using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using JasperFx.Events;
using MassTransit;

namespace GrowthKit.Leads.Leads;

/// <summary>Announces every new lead snapshot to scoring, from the committed event.</summary>
public sealed class LeadRelay(IBus bus, ILogger<LeadRelay> logger) : IntegrationRelay(bus, logger)
{
    protected override object? ToMessage(IEvent @event) => @event.Data switch
    {
        LeadSnapshotRecorded r => new LeadReceived(
            Guid.Parse(@event.TenantId), r.LeadId, r.ExternalId, r.Snapshot,
            LeadJson.ToElement(r.Lead), r.Raw, r.RecordedAt),
        _ => null,
    };
}
