using GrowthKit.Model;

namespace GrowthKit.Icp.Icps;

/// <summary>A new ICP was drafted from a definition; it is not used for scoring yet.</summary>
public sealed record IcpDrafted(Guid IcpId, IcpDefinition Definition, string DraftedBy, DateTimeOffset DraftedAt);

/// <summary>The draft became published version <paramref name="Version"/>; leads are scored against it.</summary>
public sealed record IcpPublished(
    Guid IcpId, int Version, IcpDefinition Definition, string PublishedBy, string Reason, DateTimeOffset PublishedAt);
