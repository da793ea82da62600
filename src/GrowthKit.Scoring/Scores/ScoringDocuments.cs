using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Scoring.Scores;

/// <summary>The latest published version of an ICP, as scoring knows it.</summary>
public sealed record PublishedIcp(Guid Id, int Version, IcpDefinition Definition, DateTimeOffset PublishedAt);

/// <summary>Every version's definition as published, so any recorded score can be recomputed.</summary>
public sealed record IcpVersionDefinition(Guid Id, Guid IcpId, int Version, IcpDefinition Definition);

/// <summary>
/// A lead's latest snapshot and its current score for each published ICP. Written in the same
/// transaction as the <see cref="LeadScored"/> events, which makes redelivered messages no-ops.
/// </summary>
public sealed record ScoredLead(
    Guid Id, string ExternalId, int Snapshot, JsonElement Lead, JsonElement Raw, DateTimeOffset ReceivedAt,
    IReadOnlyList<LeadScored> Scores)
{
    public bool HasScore(Guid icpId, int icpVersion, int snapshot) =>
        Scores.Any(s => s.IcpId == icpId && s.IcpVersion == icpVersion && s.Snapshot == snapshot);

    public ScoredLead WithScore(LeadScored score) => this with
    {
        Scores = [.. Scores.Where(s => s.IcpId != score.IcpId), score],
    };
}
