using System.Globalization;
using GrowthKit.Contracts;

namespace GrowthKit.Integrations.WriteBack;

/// <summary>What is written onto a CRM company: the same for every CRM.</summary>
public static class WriteBackValues
{
    public const string ScoreField = "growthkit_score";
    public const string TierField = "growthkit_tier";
    public const string ReasonsField = "growthkit_reasons";

    /// <summary>Reasons written, best first.</summary>
    public const int TopReasons = 3;

    /// <summary>The newest score of each lead: a page may hold a lead's score against several ICPs or versions.</summary>
    public static IReadOnlyList<RecordedScore> LatestPerLead(IEnumerable<RecordedScore> scores) =>
        [.. scores.GroupBy(s => s.LeadId).Select(g => g.OrderBy(s => s.ScoredAt).ThenBy(s => s.IcpVersion).ThenBy(s => s.Snapshot).Last())];

    public static string Reasons(RecordedScore score) =>
        score.DisqualifiedBy is { } disqualifier
            ? string.Create(CultureInfo.InvariantCulture, $"disqualified: {disqualifier}")
            : string.Join(", ", score.Reasons.Take(TopReasons));
}
