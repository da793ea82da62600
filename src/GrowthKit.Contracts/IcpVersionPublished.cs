using System.Text.Json;

namespace GrowthKit.Contracts;

/// <summary>
/// An ICP version became the one leads are scored against. <paramref name="Definition"/> is the
/// published definition exactly as stored, so consumers never need to call back for it.
/// </summary>
public sealed record IcpVersionPublished(
    Guid TenantId,
    Guid IcpId,
    int Version,
    JsonElement Definition,
    string PublishedBy,
    string? Reason,
    DateTimeOffset PublishedAt);
