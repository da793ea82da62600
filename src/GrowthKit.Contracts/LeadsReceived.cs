namespace GrowthKit.Contracts;

/// <summary>
/// New lead snapshots of one tenant, relayed together (one message per relayed page of events and
/// tenant): with a message per lead, the broker's cost per message would cap the pipeline, not the work.
/// </summary>
public sealed record LeadsReceived(Guid TenantId, IReadOnlyList<LeadReceived> Leads);
