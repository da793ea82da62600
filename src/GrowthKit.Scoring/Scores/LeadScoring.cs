using System.Text.Json;
using GrowthKit.Model;
using Marten;

namespace GrowthKit.Scoring.Scores;

/// <summary>Scores a lead snapshot against an ICP version and records it once.</summary>
public static class LeadScoring
{
    public static LeadScored Compute(Guid leadId, int snapshot, JsonElement lead, Guid icpId, int icpVersion,
        IcpDefinition definition, DateTimeOffset now)
    {
        var result = IcpScorer.Score(lead, definition);
        return new LeadScored(leadId, icpId, icpVersion, snapshot, result.Score, result.Tier, result.Breakdown,
            result.DisqualifiedBy, ScoringModel.ModelVersion,
            InputHash.Compute(lead, definition, ScoringModel.ModelVersion), now);
    }

    /// <summary>Appends the score to the lead's ledger unless this (snapshot, version) was scored before.</summary>
    public static ScoredLead Record(IDocumentSession session, ScoredLead lead, PublishedIcp icp, DateTimeOffset now)
    {
        if (lead.HasScore(icp.Id, icp.Version, lead.Snapshot)) return lead;
        var score = Compute(lead.Id, lead.Snapshot, lead.Lead, icp.Id, icp.Version, icp.Definition, now);
        session.Events.Append(lead.Id, score);
        return lead.WithScore(score);
    }
}
