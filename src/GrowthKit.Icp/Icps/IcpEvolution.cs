namespace GrowthKit.Icp.Icps;

/// <summary>
/// The same evolution Marten applies through <see cref="IcpState"/>'s Apply methods, callable from
/// pure code: the edit decider replays its own events with it, and tests use it as "given events".
/// </summary>
public static class IcpEvolution
{
    public static IcpState Evolve(IcpState state, object @event) => @event switch
    {
        IcpPublished e => state.Apply(e),
        IcpRenamed e => state.Apply(e),
        IcpDescriptionChanged e => state.Apply(e),
        TiersChanged e => state.Apply(e),
        CriterionAdded e => state.Apply(e),
        CriterionChanged e => state.Apply(e),
        CriterionRemoved e => state.Apply(e),
        CriteriaReordered e => state.Apply(e),
        DisqualifierAdded e => state.Apply(e),
        DisqualifierChanged e => state.Apply(e),
        DisqualifierRemoved e => state.Apply(e),
        DisqualifiersReordered e => state.Apply(e),
        PersonaAdded e => state.Apply(e),
        PersonaRemoved e => state.Apply(e),
        _ => throw new ArgumentException($"{@event.GetType().Name} does not evolve an existing ICP.", nameof(@event)),
    };

    public static IcpState Replay(IEnumerable<object> events)
    {
        using var e = events.GetEnumerator();
        if (!e.MoveNext() || e.Current is not IcpDrafted drafted)
            throw new ArgumentException("An ICP stream starts with IcpDrafted.", nameof(events));
        var state = IcpState.Create(drafted);
        while (e.MoveNext()) state = Evolve(state, e.Current);
        return state;
    }
}
