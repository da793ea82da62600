using GrowthKit.ServiceDefaults;
using JasperFx.Events;
using MassTransit;
using Contracts = GrowthKit.Contracts;

namespace GrowthKit.Refinement.Proposals;

/// <summary>
/// Announces refinement's results to the other services, from the committed events (the subscription in
/// <c>Extensions</c> includes each announced event type).
/// </summary>
public sealed class RefinementRelay(IBus bus, ILogger<RefinementRelay> logger) : IntegrationRelay(bus, logger)
{
    protected override object? ToMessage(IEvent @event) => @event.Data switch
    {
        WinCalibrationFitted c => new Contracts.WinCalibrationFitted(Guid.Parse(@event.TenantId), c.IcpId, c.IcpVersion, c.Deals, c.Won,
            [.. c.Steps.Select(s => new Contracts.WinCalibrationStep(s.From, s.To, s.Deals, s.Won, s.Probability))], c.At),
        _ => null,
    };
}
