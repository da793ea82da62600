using System.Text.Json;
using GrowthKit.Contracts;
using MassTransit;

namespace GrowthKit.Integrations.Webhooks;

/// <summary>The events a webhook can subscribe to, and the body every delivery carries: <c>{type, timestamp, data}</c>.</summary>
public static class WebhookEvents
{
    public const string LeadScored = "lead.scored";
    public const string LeadTierChanged = "lead.tier_changed";
    public const string IcpPublished = "icp.published";
    public const string ProposalCreated = "proposal.created";

    public static readonly string[] All = [LeadScored, LeadTierChanged, IcpPublished, ProposalCreated];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Body(string type, DateTimeOffset timestamp, object data) =>
        JsonSerializer.Serialize(new { type, timestamp, data }, Json);

    /// <summary>One delivery per webhook subscribed to the event.</summary>
    public static IEnumerable<NewDelivery> For(IReadOnlyList<Webhook> webhooks, Guid tenant, string type, string key, string body) =>
        webhooks.Where(w => w.Events.Contains(type)).Select(w => new NewDelivery(w.WebhookId, tenant, type, key, body));
}

/// <summary>
/// <c>lead.scored</c> for every score, and <c>lead.tier_changed</c> when a lead's tier for an ICP differs from the one the
/// last (older) score gave. Idempotent: a redelivered message finds its deliveries and tiers already recorded.
/// </summary>
public sealed class ScoresRecordedConsumer(WebhookStore store, WebhookSignal signal, TimeProvider clock) : IConsumer<ScoresRecorded>
{
    public async Task Consume(ConsumeContext<ScoresRecorded> context)
    {
        var message = context.Message;
        var ct = context.CancellationToken;
        var changed = await store.AdvanceTiersAsync(message.TenantId,
            [.. message.Scores.Select(s => new KnownTier(s.LeadId, s.IcpId, s.IcpVersion, s.Snapshot, s.Tier))], ct);
        var webhooks = (await store.ListAsync(message.TenantId, ct)).Where(w => w.Status == "active").ToList();
        if (webhooks.Count == 0) return;

        var deliveries = new List<NewDelivery>();
        foreach (var s in message.Scores)
        {
            var key = $"{s.LeadId}:{s.IcpId}:{s.IcpVersion}:{s.Snapshot}";
            var score = new
            {
                leadId = s.LeadId, externalId = s.ExternalId, icpId = s.IcpId, icpVersion = s.IcpVersion, snapshot = s.Snapshot,
                score = s.Score, tier = s.Tier, disqualifiedBy = s.DisqualifiedBy, reasons = s.Reasons, scoredAt = s.ScoredAt,
            };
            deliveries.AddRange(WebhookEvents.For(webhooks, message.TenantId, WebhookEvents.LeadScored,
                $"{WebhookEvents.LeadScored}:{key}", WebhookEvents.Body(WebhookEvents.LeadScored, s.ScoredAt, score)));
            if (changed.TryGetValue((s.LeadId, s.IcpId), out var previous))
            {
                var change = new
                {
                    leadId = s.LeadId, externalId = s.ExternalId, icpId = s.IcpId, icpVersion = s.IcpVersion, snapshot = s.Snapshot,
                    previousTier = previous, tier = s.Tier, score = s.Score, scoredAt = s.ScoredAt,
                };
                deliveries.AddRange(WebhookEvents.For(webhooks, message.TenantId, WebhookEvents.LeadTierChanged,
                    $"{WebhookEvents.LeadTierChanged}:{key}", WebhookEvents.Body(WebhookEvents.LeadTierChanged, s.ScoredAt, change)));
            }
        }
        await store.EnqueueAsync(deliveries, clock.GetUtcNow(), ct);
        if (deliveries.Count > 0) signal.Raise();
    }
}

/// <summary><c>icp.published</c>: a new version of an ICP (its definition is readable at /api/icps/{icpId}/versions/{version}).</summary>
public sealed class IcpVersionPublishedConsumer(WebhookStore store, WebhookSignal signal, TimeProvider clock) : IConsumer<IcpVersionPublished>
{
    public async Task Consume(ConsumeContext<IcpVersionPublished> context)
    {
        var m = context.Message;
        var webhooks = await store.ListAsync(m.TenantId, context.CancellationToken, WebhookEvents.IcpPublished);
        if (webhooks.Count == 0) return;
        var body = WebhookEvents.Body(WebhookEvents.IcpPublished, m.PublishedAt,
            new { icpId = m.IcpId, version = m.Version, publishedBy = m.PublishedBy, reason = m.Reason, publishedAt = m.PublishedAt });
        await store.EnqueueAsync([.. WebhookEvents.For(webhooks, m.TenantId, WebhookEvents.IcpPublished,
            $"{WebhookEvents.IcpPublished}:{m.IcpId}:{m.Version}", body)], clock.GetUtcNow(), context.CancellationToken);
        signal.Raise();
    }
}

/// <summary><c>proposal.created</c>: refinement proposed a change to an ICP, as GET /api/icps/{icpId}/proposals shows it.</summary>
public sealed class ProposalCreatedConsumer(WebhookStore store, WebhookSignal signal, TimeProvider clock) : IConsumer<ProposalCreated>
{
    public async Task Consume(ConsumeContext<ProposalCreated> context)
    {
        var m = context.Message;
        var webhooks = await store.ListAsync(m.TenantId, context.CancellationToken, WebhookEvents.ProposalCreated);
        if (webhooks.Count == 0) return;
        var body = WebhookEvents.Body(WebhookEvents.ProposalCreated, m.CreatedAt, new
        {
            icpId = m.IcpId, proposalId = m.ProposalId, baseVersion = m.BaseVersion, changes = m.Changes, evidence = m.Evidence,
            currentAuc = m.CurrentAuc, expectedAuc = m.ExpectedAuc, createdAt = m.CreatedAt,
        });
        await store.EnqueueAsync([.. WebhookEvents.For(webhooks, m.TenantId, WebhookEvents.ProposalCreated,
            $"{WebhookEvents.ProposalCreated}:{m.ProposalId}", body)], clock.GetUtcNow(), context.CancellationToken);
        signal.Raise();
    }
}
