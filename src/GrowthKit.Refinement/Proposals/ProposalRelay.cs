using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using JasperFx.Events;
using MassTransit;

namespace GrowthKit.Refinement.Proposals;

/// <summary>
/// Announces each proposal as <see cref="ProposalCreated"/> from the committed <see cref="ProposalMade"/>
/// events (never from inside the request that made it), under the event's id: at least once.
/// </summary>
public sealed class ProposalRelay(IBus bus, ILogger<ProposalRelay> logger) : IntegrationRelay(bus, logger)
{
    protected override object? ToMessage(IEvent @event) => @event.Data is ProposalMade made
        ? ToMessage(Guid.Parse(@event.TenantId), made)
        : null;

    public static ProposalCreated ToMessage(Guid tenant, ProposalMade made) =>
        new(tenant, made.IcpId, made.ProposalId, made.BaseVersion,
            JsonSerializer.SerializeToElement(made.Changes, ModelJson.Options),
            JsonSerializer.SerializeToElement(made.Evidence, ModelJson.Options),
            made.CurrentAuc, made.ExpectedAuc, made.At);
}
