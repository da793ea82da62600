using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.Platform.Messaging;
using GrowthKit.ServiceDefaults;
using JasperFx.Events;
using MassTransit;
using Contracts = GrowthKit.Contracts;

namespace GrowthKit.Refinement.Proposals;

/// <summary>
/// Announces refinement's results to the other services from the committed events (never from inside
/// the request or reaction that made them), under each event's id: at least once. The subscription in
/// <c>Extensions</c> includes each announced event type: a proposal (<see cref="Contracts.ProposalCreated"/>,
/// for webhooks) and a win calibration (<see cref="Contracts.WinCalibrationFitted"/>, for scoring).
/// </summary>
public sealed class RefinementRelay(IBus bus, ILogger<RefinementRelay> logger) : IntegrationRelay(bus, logger)
{
    public static readonly Type[] Announced = [typeof(ProposalMade), typeof(WinCalibrationFitted)];

    protected override object? ToMessage(IEvent @event) => @event.Data switch
    {
        ProposalMade made => ToMessage(Guid.Parse(@event.TenantId), made),
        WinCalibrationFitted c => new Contracts.WinCalibrationFitted(Guid.Parse(@event.TenantId), c.IcpId, c.IcpVersion, c.Deals, c.Won,
            [.. c.Steps.Select(s => new Contracts.WinCalibrationStep(s.From, s.To, s.Deals, s.Won, s.Probability))], c.At),
        _ => null,
    };

    public static Contracts.ProposalCreated ToMessage(Guid tenant, ProposalMade made) =>
        new(tenant, made.IcpId, made.ProposalId, made.BaseVersion,
            JsonSerializer.SerializeToElement(made.Changes, ModelJson.Options),
            JsonSerializer.SerializeToElement(made.Evidence, ModelJson.Options),
            made.CurrentAuc, made.ExpectedAuc, made.At);
}
