namespace GrowthKit.Contracts;

/// <summary>
/// New lead snapshots of one tenant, relayed together (one message per relayed page of events and
/// tenant): per-lead messages cap a pipeline at a few thousand leads a second, batches do not.
/// </summary>
public sealed record LeadsReceived(Guid TenantId, IReadOnlyList<LeadReceived> Leads);
