using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Platform.Messaging;
using GrowthKit.ServiceDefaults;
using JasperFx.Events;
using MassTransit;

namespace GrowthKit.Icp.Icps;

/// <summary>Announces each publication to the other services, from the committed event.</summary>
public sealed class IcpRelay(IBus bus, ILogger<IcpRelay> logger) : IntegrationRelay(bus, logger)
{
    protected override object? ToMessage(IEvent @event) => @event.Data switch
    {
        IcpPublished p => new IcpVersionPublished(
            Guid.Parse(@event.TenantId), p.IcpId, p.Version,
            JsonSerializer.SerializeToElement(p.Definition, ModelJson.Options),
            p.By, p.Reason, p.At),
        _ => null,
    };
}
