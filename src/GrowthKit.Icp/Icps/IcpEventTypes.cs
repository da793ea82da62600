using Marten;

namespace GrowthKit.Icp.Icps;

/// <summary>
/// The ICP stream's event types, their stable names (what history shows; never renamed once used)
/// and schema versions (stored with each event, so an older shape can be upcast when read).
/// </summary>
public static class IcpEventTypes
{
    private static readonly Dictionary<Type, int> SchemaVersions = new()
    {
        [typeof(IcpDrafted)] = 2,
        [typeof(IcpRenamed)] = 1,
        [typeof(IcpDescriptionChanged)] = 1,
        [typeof(CriterionAdded)] = 1,
        [typeof(CriterionChanged)] = 1,
        [typeof(CriterionRemoved)] = 1,
        [typeof(CriteriaReordered)] = 1,
        [typeof(DisqualifierAdded)] = 1,
        [typeof(DisqualifierChanged)] = 1,
        [typeof(DisqualifierRemoved)] = 1,
        [typeof(DisqualifiersReordered)] = 1,
        [typeof(PersonaAdded)] = 1,
        [typeof(PersonaRemoved)] = 1,
        [typeof(TiersChanged)] = 1,
        [typeof(IcpPublished)] = 1,
    };

    /// <summary>The stored name of schema version 1 of IcpDrafted, before it carried a reason.</summary>
    public const string IcpDraftedV1Name = "icp_drafted";

    public static IReadOnlyCollection<Type> All => SchemaVersions.Keys;

    public static bool IsIcpEvent(object? data) => data is not null && SchemaVersions.ContainsKey(data.GetType());

    public static string NameOf(object data) => data.GetType().Name;

    public static int SchemaVersionOf(object data) => SchemaVersions[data.GetType()];

    public static void Register(StoreOptions opts)
    {
        foreach (var (type, version) in SchemaVersions)
        {
            // Stored as e.g. "CriterionAdded.v1": the schema version travels with every event.
            opts.Events.MapEventType(type, $"{type.Name}.v{version}");
        }
        opts.Events.Upcast<IcpDraftedV1, IcpDrafted>(IcpDraftedV1Name, v1 => v1.Upcast());
    }
}
