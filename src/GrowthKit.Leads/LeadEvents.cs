using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Leads;

/// <summary>
/// What was known about a lead at one moment: <paramref name="Lead"/> is the normalised form that
/// scores use, <paramref name="Raw"/> what the consumer sent.
/// </summary>
public sealed record LeadSnapshotRecorded(
    Guid LeadId, string ExternalId, int Snapshot, Lead Lead, JsonElement Raw, DateTimeOffset RecordedAt);
