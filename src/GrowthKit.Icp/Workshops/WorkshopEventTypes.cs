using Marten;

namespace GrowthKit.Icp.Workshops;

/// <summary>
/// The workshop stream's event types with their stable names and schema versions, stored as e.g.
/// "WorkshopAnswerChanged.v1", as the ICP stream's are (see <c>IcpEventTypes</c>).
/// </summary>
public static class WorkshopEventTypes
{
    private static readonly Dictionary<Type, int> SchemaVersions = new()
    {
        [typeof(WorkshopStarted)] = 1,
        [typeof(WorkshopQuestionAnswered)] = 1,
        [typeof(WorkshopAnswerChanged)] = 1,
        [typeof(WorkshopCompleted)] = 1,
    };

    public static IReadOnlyCollection<Type> All => SchemaVersions.Keys;

    public static string NameOf(object data) => data.GetType().Name;

    public static int SchemaVersionOf(object data) => SchemaVersions[data.GetType()];

    /// <summary>The event types, and <see cref="WorkshopState"/> as a live aggregate.</summary>
    public static void Register(StoreOptions opts)
    {
        foreach (var (type, version) in SchemaVersions)
        {
            opts.Events.MapEventType(type, $"{type.Name}.v{version}");
        }
        // A workshop stream holds a dozen events: folding them on each read costs less than a
        // snapshot table that must migrate whenever the state's shape changes.
        opts.Projections.LiveStreamAggregation<WorkshopState>();
    }
}
