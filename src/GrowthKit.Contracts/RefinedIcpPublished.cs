namespace GrowthKit.Contracts;

/// <summary>The refined definition is published as <paramref name="Version"/>.</summary>
public sealed record RefinedIcpPublished(Guid TenantId, Guid IcpId, Guid RequestId, int Version);
