using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Model;
using Marten;
using MassTransit;

namespace GrowthKit.Scoring.Scores;

/// <summary>
/// Both consumers share one queue processed one message at a time, so a lead arriving while an
/// ICP is being published is always scored by one of the two (never missed by both).
/// </summary>
public sealed class ScoringEndpoint<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    public ScoringEndpoint()
    {
        EndpointName = "scoring";
        ConcurrentMessageLimit = 1;
    }
}

public sealed class LeadReceivedConsumer(IDocumentStore store, TimeProvider clock) : IConsumer<LeadReceived>
{
    public async Task Consume(ConsumeContext<LeadReceived> context)
    {
        var m = context.Message;
        await using var session = store.LightweightSession(m.TenantId.ToString());
        var known = await session.LoadAsync<ScoredLead>(m.LeadId, context.CancellationToken);
        if (known is not null && known.Snapshot >= m.Snapshot) return; // redelivery or out of date

        var lead = new ScoredLead(m.LeadId, m.ExternalId, m.Snapshot, m.Lead, m.Raw, m.ReceivedAt, known?.Scores ?? []);
        var now = clock.GetUtcNow();
        foreach (var icp in await session.Query<PublishedIcp>().ToListAsync(context.CancellationToken))
        {
            lead = LeadScoring.Record(session, lead, icp, now);
        }
        session.Store(lead);
        await session.SaveChangesAsync(context.CancellationToken);
    }
}

public sealed class IcpVersionPublishedConsumer(IDocumentStore store, TimeProvider clock) : IConsumer<IcpVersionPublished>
{
    public async Task Consume(ConsumeContext<IcpVersionPublished> context)
    {
        var m = context.Message;
        await using var session = store.LightweightSession(m.TenantId.ToString());
        var known = await session.LoadAsync<PublishedIcp>(m.IcpId, context.CancellationToken);
        if (known is not null && known.Version >= m.Version) return; // redelivery or out of date

        var definition = m.Definition.Deserialize<IcpDefinition>(ModelJson.Options)
                         ?? throw new InvalidOperationException($"ICP {m.IcpId} v{m.Version} has no definition.");
        var icp = new PublishedIcp(m.IcpId, m.Version, definition, m.PublishedAt);
        session.Store(icp);
        session.Store(new IcpVersionDefinition(DeterministicId.For(m.IcpId.ToString(), m.Version.ToString()),
            m.IcpId, m.Version, definition));

        var now = clock.GetUtcNow();
        foreach (var lead in await session.Query<ScoredLead>().ToListAsync(context.CancellationToken))
        {
            session.Store(LeadScoring.Record(session, lead, icp, now));
        }
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
