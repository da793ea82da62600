using GrowthKit.Model;

namespace GrowthKit.Icp.Icps;

/// <summary>Who made a change (the API key's name), why, and when: every ICP event says it.</summary>
public interface IIcpChange
{
    Guid IcpId { get; }
    string By { get; }
    string? Reason { get; }
    DateTimeOffset At { get; }
}

// Every change event names who made it (the API key's name), why, and when. The event type names
// (see IcpEventTypes) are what history shows, so they never change once used.

/// <summary>A new ICP was drafted from a definition; it is not used for scoring yet.</summary>
public sealed record IcpDrafted(Guid IcpId, IcpDefinition Definition, string By, string? Reason, DateTimeOffset At) : IIcpChange;

public sealed record IcpRenamed(Guid IcpId, string Name, string By, string Reason, DateTimeOffset At) : IIcpChange;

public sealed record IcpDescriptionChanged(Guid IcpId, string? Description, string By, string Reason, DateTimeOffset At) : IIcpChange;

/// <summary>A criterion joined the draft at <paramref name="Position"/> (criteria order is the breakdown's order).</summary>
public sealed record CriterionAdded(Guid IcpId, Criterion Criterion, int Position, string By, string Reason, DateTimeOffset At) : IIcpChange;

public sealed record CriterionChanged(Guid IcpId, string Key, Criterion Criterion, string By, string Reason, DateTimeOffset At) : IIcpChange;

public sealed record CriterionRemoved(Guid IcpId, string Key, string By, string Reason, DateTimeOffset At) : IIcpChange;

public sealed record CriteriaReordered(Guid IcpId, IReadOnlyList<string> Keys, string By, string Reason, DateTimeOffset At) : IIcpChange;

public sealed record DisqualifierAdded(Guid IcpId, Disqualifier Disqualifier, int Position, string By, string Reason, DateTimeOffset At) : IIcpChange;

public sealed record DisqualifierChanged(Guid IcpId, string Key, Disqualifier Disqualifier, string By, string Reason, DateTimeOffset At) : IIcpChange;

public sealed record DisqualifierRemoved(Guid IcpId, string Key, string By, string Reason, DateTimeOffset At) : IIcpChange;

public sealed record PersonaAdded(Guid IcpId, Persona Persona, string By, string Reason, DateTimeOffset At) : IIcpChange;

public sealed record PersonaRemoved(Guid IcpId, string Role, string By, string Reason, DateTimeOffset At) : IIcpChange;

public sealed record TiersChanged(Guid IcpId, Tiers? Tiers, string By, string Reason, DateTimeOffset At) : IIcpChange;

/// <summary>The draft became published version <paramref name="Version"/>, self-contained and immutable.</summary>
public sealed record IcpPublished(
    Guid IcpId, int Version, IcpDefinition Definition, string By, string Reason, DateTimeOffset At) : IIcpChange;

/// <summary>
/// The shape <see cref="IcpDrafted"/> had before it carried a reason (schema version 1); still read
/// from old streams through an upcaster.
/// </summary>
public sealed record IcpDraftedV1(Guid IcpId, IcpDefinition Definition, string DraftedBy, DateTimeOffset DraftedAt)
{
    public IcpDrafted Upcast() => new(IcpId, Definition, DraftedBy, null, DraftedAt);
}

public sealed record DisqualifiersReordered(Guid IcpId, IReadOnlyList<string> Keys, string By, string Reason, DateTimeOffset At) : IIcpChange;
