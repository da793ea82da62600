using System.Text.Json;
using GrowthKit.Contracts;
using Marten;
using MassTransit;

namespace GrowthKit.Refinement.Icps;

/// <summary>Refinement's own view of each ICP's latest published version (gap reports compare against it).</summary>
public sealed record KnownIcp(Guid Id, int Version, JsonElement Definition, DateTimeOffset PublishedAt);

public sealed class IcpVersionPublishedConsumer(IDocumentStore store) : IConsumer<IcpVersionPublished>
{
    public async Task Consume(ConsumeContext<IcpVersionPublished> context)
    {
        var m = context.Message;
        await using var session = store.LightweightSession(m.TenantId.ToString());
        var known = await session.LoadAsync<KnownIcp>(m.IcpId, context.CancellationToken);
        if (known is not null && known.Version >= m.Version) return; // redelivery or out of date

        session.Store(new KnownIcp(m.IcpId, m.Version, m.Definition, m.PublishedAt));
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
