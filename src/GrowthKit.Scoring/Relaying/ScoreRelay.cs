using System.Globalization;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Platform.Messaging;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using JasperFx.Events;
using MassTransit;

namespace GrowthKit.Scoring.Relaying;

/// <summary>
/// Announces recorded scores (<see cref="LeadsScored"/> ledger entries, on arrival or by a re-scoring) as
/// <see cref="ScoresRecorded"/>, from the committed ledger: one message per tenant and at most
/// <see cref="MaxScoresPerMessage"/> scores, for CRM write-back and webhooks.
/// </summary>
public sealed class ScoreRelay(IBus bus, ScoringDatabase database, ILogger<ScoreRelay> logger) : IntegrationRelay(bus, logger)
{
    /// <summary>Ledger events per relayed page; a re-scoring page is one event of many scores.</summary>
    public const int PageSize = 50;

    /// <summary>About 300 bytes a score: a message stays far below the broker's limit.</summary>
    public const int MaxScoresPerMessage = 1000;

    /// <summary>How many matched criteria a score's <see cref="RecordedScore.Reasons"/> name.</summary>
    public const int ReasonCount = 3;

    protected override async Task<IEnumerable<RelayedMessage>> ToMessagesAsync(IReadOnlyList<IEvent> page, CancellationToken ct)
    {
        var messages = new List<RelayedMessage>();
        await using var connection = await database.OpenAsync(ct);
        foreach (var tenantEvents in page.Where(e => e.Data is LeadsScored).GroupBy(e => e.TenantId, StringComparer.Ordinal))
        {
            var tenant = Guid.Parse(tenantEvents.Key);
            var events = tenantEvents.ToList();
            var scores = events.SelectMany(e => ((LeadsScored)e.Data).Scores).ToList();
            var externalIds = await LeadExternalIds.ReadAsync(connection, tenant, [.. scores.Select(s => s.LeadId).Distinct()], ct);
            var part = 0;
            foreach (var chunk in scores.Chunk(MaxScoresPerMessage))
            {
                var recorded = chunk.Select(s => ToRecorded(s, externalIds.GetValueOrDefault(s.LeadId) ?? "")).ToList();
                messages.Add(new RelayedMessage(new ScoresRecorded(tenant, recorded),
                    MessageIdOf(tenantEvents.Key, events, part++), events));
            }
        }
        return messages;
    }

    public static RecordedScore ToRecorded(ScoreEntry s, string externalId) =>
        new(s.LeadId, externalId, s.IcpId, s.IcpVersion, s.Snapshot, s.Score, s.Tier, s.DisqualifiedBy?.Key, Reasons(s.Breakdown), s.ScoredAt);

    /// <summary>The keys of the matched criteria that added the most, best first (ties in the definition's order).</summary>
    public static IReadOnlyList<string> Reasons(IReadOnlyList<CriterionResult> breakdown) =>
        [.. breakdown.Where(c => c.Matched && c.Contribution > 0).OrderByDescending(c => c.Contribution).Take(ReasonCount).Select(c => c.Key)];

    /// <summary>The same events relayed again (after a crash before the checkpoint) get the same ids.</summary>
    public static Guid MessageIdOf(string tenant, IReadOnlyList<IEvent> events, int part) =>
        DeterministicId.For(nameof(ScoresRecorded), tenant,
            events[0].Sequence.ToString(CultureInfo.InvariantCulture),
            events[^1].Sequence.ToString(CultureInfo.InvariantCulture),
            part.ToString(CultureInfo.InvariantCulture));
}
