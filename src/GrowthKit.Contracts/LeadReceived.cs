using System.Text.Json;

namespace GrowthKit.Contracts;

/// <summary>A new snapshot of a lead: its normalised form (what scores use) and the raw input.</summary>
public sealed record LeadReceived(
    Guid TenantId,
    Guid LeadId,
    string ExternalId,
    int Snapshot,
    JsonElement Lead,
    JsonElement Raw,
    DateTimeOffset ReceivedAt);
