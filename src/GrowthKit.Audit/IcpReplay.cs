using System.Text.Json;
using GrowthKit.Icp.Icps;
using GrowthKit.Model;
using GrowthKit.Model.Audit;

namespace GrowthKit.Audit;

/// <summary>
/// An ICP as it stood at an instant: its events up to then, replayed with the ICP service's own
/// evolution. Event types are the stored names (<c>CriterionAdded.v1</c>, …).
/// </summary>
public static class IcpReplay
{
    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["icp_drafted"] = typeof(IcpDraftedV1),
        ["IcpDrafted.v2"] = typeof(IcpDrafted),
        ["IcpRenamed.v1"] = typeof(IcpRenamed),
        ["IcpDescriptionChanged.v1"] = typeof(IcpDescriptionChanged),
        ["CriterionAdded.v1"] = typeof(CriterionAdded),
        ["CriterionChanged.v1"] = typeof(CriterionChanged),
        ["CriterionRemoved.v1"] = typeof(CriterionRemoved),
        ["CriteriaReordered.v1"] = typeof(CriteriaReordered),
        ["DisqualifierAdded.v1"] = typeof(DisqualifierAdded),
        ["DisqualifierChanged.v1"] = typeof(DisqualifierChanged),
        ["DisqualifierRemoved.v1"] = typeof(DisqualifierRemoved),
        ["DisqualifiersReordered.v1"] = typeof(DisqualifiersReordered),
        ["PersonaAdded.v1"] = typeof(PersonaAdded),
        ["PersonaRemoved.v1"] = typeof(PersonaRemoved),
        ["TiersChanged.v1"] = typeof(TiersChanged),
        ["IcpPublished.v1"] = typeof(IcpPublished),
    };

    public sealed record Published(int Version, DateTimeOffset PublishedAt, IcpDefinition Definition);

    public sealed record IcpAsOf(Guid IcpId, DateTimeOffset AsOf, long Revision, IcpDefinition Draft, Published? Published);

    public static IcpAsOf? At(ExportFile export, Guid icpId, DateTimeOffset instant)
    {
        var events = export.Events
            .Where(e => e.Service == "icp" && e.Stream == icpId && Types.ContainsKey(e.Type)
                        && DateTimeOffset.Parse(e.Timestamp, System.Globalization.CultureInfo.InvariantCulture) <= instant)
            .OrderBy(e => e.Version)
            .Select(Deserialize)
            .ToList();
        if (events.Count == 0) return null;
        var state = IcpEvolution.Replay(events);
        return new IcpAsOf(state.Id, instant, state.Revision, state.Draft,
            state.Published is { } p ? new Published(p.Version, p.PublishedAt, p.Definition) : null);
    }

    public static int Run(ExportFile export, Guid icpId, DateTimeOffset instant, TextWriter output)
    {
        if (At(export, icpId, instant) is not { } icp)
        {
            output.WriteLine($"FAIL: the export holds no event of ICP {icpId} at or before {ChainLink.FormatTimestamp(instant)}.");
            return AuditTool.Fail;
        }
        output.WriteLine(JsonSerializer.Serialize(icp, new JsonSerializerOptions(ModelJson.Options) { WriteIndented = true }));
        return AuditTool.Pass;
    }

    private static object Deserialize(ExportEvent e)
    {
        var data = e.Data.Deserialize(Types[e.Type], ModelJson.Options)
                   ?? throw new FormatException($"ICP event {e.Stream}/{e.Version} has no data.");
        return data is IcpDraftedV1 v1 ? v1.Upcast() : data;
    }
}
