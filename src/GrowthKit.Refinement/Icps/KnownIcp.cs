using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Platform.Persistence.Resilience;
using GrowthKit.Refinement.Proposals;
using Marten;
using MassTransit;

namespace GrowthKit.Refinement.Icps;

/// <summary>
/// Refinement's own view of each ICP's latest published version (gap reports and reviews compare against
/// it). Stored with optimistic concurrency: two deliveries racing cannot put an older version over a newer one.
/// </summary>
public sealed record KnownIcp(Guid Id, int Version, JsonElement Definition, DateTimeOffset PublishedAt)
{
    /// <summary>The view after a publication; null when it already knows that version or a newer one (a redelivery, or out of order).</summary>
    public static KnownIcp? Decide(IcpVersionPublished published, KnownIcp? known) =>
        known is not null && known.Version >= published.Version
            ? null
            : new KnownIcp(published.IcpId, published.Version, published.Definition, published.PublishedAt);
}

public sealed class IcpVersionPublishedConsumer(IDocumentStore store, RefinementSignal signal) : IConsumer<IcpVersionPublished>
{
    public async Task Consume(ConsumeContext<IcpVersionPublished> context)
    {
        var m = context.Message;
        var changed = await ConflictRetry.ExecuteAsync(async token =>
        {
            await using var session = store.LightweightSession(m.TenantId.ToString());
            var known = await session.LoadAsync<KnownIcp>(m.IcpId, token);
            if (KnownIcp.Decide(m, known) is not { } next) return false;
            // Insert when new (a concurrent insert throws), else update against the version loaded above.
            if (known is null) session.Insert(next);
            else session.Update(next);
            await session.SaveChangesAsync(token);
            return true;
        }, context.CancellationToken);
        if (changed) signal.VersionRecorded(m.TenantId, m.IcpId);
    }
}
