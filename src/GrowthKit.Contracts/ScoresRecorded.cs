namespace GrowthKit.Contracts;

/// <summary>
/// Scores the scoring service recorded for one tenant (on a lead's arrival or by a re-scoring), relayed
/// in pages like <see cref="LeadsReceived"/>: what CRM write-back and webhooks react to. At least once;
/// a consumer recognises a score it has seen by (lead, ICP, version, snapshot).
/// </summary>
public sealed record ScoresRecorded(Guid TenantId, IReadOnlyList<RecordedScore> Scores);

/// <summary>
/// One recorded score, short: <paramref name="Reasons"/> are the keys of the matched criteria that
/// added the most, best first; <paramref name="DisqualifiedBy"/> the key of the disqualifier that
/// applied. The full breakdown stays readable through the API.
/// </summary>
public sealed record RecordedScore(
    Guid LeadId,
    string ExternalId,
    Guid IcpId,
    int IcpVersion,
    int Snapshot,
    decimal Score,
    string Tier,
    string? DisqualifiedBy,
    IReadOnlyList<string> Reasons,
    DateTimeOffset ScoredAt);
