using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.Model.Audit;

namespace GrowthKit.Audit;

/// <summary>
/// Recomputes every recorded score of the export from the lead snapshot and the ICP version it names,
/// with the Model's scoring function and input hash, and compares every field but <c>scoredAt</c>.
/// </summary>
public static class ScoreRecomputation
{
    private const string Scoring = "scoring";

    public sealed record Mismatch(Guid LeadId, int Snapshot, Guid IcpId, int IcpVersion, string Reason);

    public sealed record Outcome(int Scores, IReadOnlyList<Mismatch> Mismatches);

    public static Outcome Check(ExportFile export)
    {
        var definitions = new Dictionary<(Guid, int), IcpDefinition>();
        var leads = new Dictionary<(Guid, int), JsonElement>();
        foreach (var e in export.Events.Where(e => e.Service == Scoring))
        {
            if (e.Type == "icp_version_recorded")
            {
                definitions[(e.Data.GetProperty("icpId").GetGuid(), e.Data.GetProperty("version").GetInt32())] =
                    e.Data.GetProperty("definition").Deserialize<IcpDefinition>(ModelJson.Options)!;
            }
            else if (e.Type == "lead_snapshots_recorded")
            {
                foreach (var s in e.Data.GetProperty("snapshots").EnumerateArray())
                {
                    leads[(s.GetProperty("leadId").GetGuid(), s.GetProperty("snapshot").GetInt32())] = s.GetProperty("lead");
                }
            }
        }

        var count = 0;
        var mismatches = new List<Mismatch>();
        foreach (var e in export.Events.Where(e => e.Service == Scoring && e.Type == "leads_scored"))
        {
            foreach (var recorded in e.Data.GetProperty("scores").EnumerateArray())
            {
                count++;
                if (Recompute(recorded, definitions, leads) is { } mismatch) mismatches.Add(mismatch);
            }
        }
        return new Outcome(count, mismatches);
    }

    public static int Run(ExportFile export, TextWriter output)
    {
        var outcome = Check(export);
        foreach (var m in outcome.Mismatches)
        {
            output.WriteLine($"MISMATCH lead {m.LeadId} snapshot {m.Snapshot}, ICP {m.IcpId} v{m.IcpVersion}: {m.Reason}");
        }
        if (outcome.Mismatches.Count > 0)
        {
            output.WriteLine($"FAIL: {outcome.Mismatches.Count} of {outcome.Scores} scores do not follow from their inputs.");
            return AuditTool.Fail;
        }
        output.WriteLine($"OK: all {outcome.Scores} scores recomputed identically with {ScoringModel.ModelVersion}.");
        return AuditTool.Pass;
    }

    private static Mismatch? Recompute(JsonElement recorded, Dictionary<(Guid, int), IcpDefinition> definitions,
        Dictionary<(Guid, int), JsonElement> leads)
    {
        var leadId = recorded.GetProperty("leadId").GetGuid();
        var snapshot = recorded.GetProperty("snapshot").GetInt32();
        var icpId = recorded.GetProperty("icpId").GetGuid();
        var version = recorded.GetProperty("icpVersion").GetInt32();
        Mismatch Fail(string reason) => new(leadId, snapshot, icpId, version, reason);

        if (!definitions.TryGetValue((icpId, version), out var definition)) return Fail("the ICP version is not in the export");
        if (!leads.TryGetValue((leadId, snapshot), out var lead)) return Fail("the lead snapshot is not in the export");
        var modelVersion = recorded.GetProperty("modelVersion").GetString();
        if (modelVersion != ScoringModel.ModelVersion) return Fail($"scored with {modelVersion}, this tool has {ScoringModel.ModelVersion}");

        var result = IcpScorer.Score(lead, definition);
        var expected = new Dictionary<string, object?>
        {
            ["score"] = result.Score,
            ["tier"] = result.Tier,
            ["breakdown"] = result.Breakdown,
            ["disqualifiedBy"] = result.DisqualifiedBy,
            ["inputHash"] = InputHash.Compute(lead, definition, ScoringModel.ModelVersion),
        };
        foreach (var (name, value) in expected)
        {
            var want = CanonicalJson.Of(value);
            var got = recorded.TryGetProperty(name, out var field) ? CanonicalJson.Serialize(field) : "null";
            if (want != got) return Fail($"{name} is {got}, recomputed {want}");
        }
        return null;
    }
}
