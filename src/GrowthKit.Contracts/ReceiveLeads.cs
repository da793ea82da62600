using System.Text.Json;

namespace GrowthKit.Contracts;

/// <summary>
/// Asks the leads service to take leads that came from elsewhere than its HTTP API — a CRM sync, a CSV
/// import — exactly as <c>POST /api/leads/batch</c> would: each item is a lead in the public JSON shape
/// (docs/api.md, Leads), validated and normalised there. <paramref name="RequestId"/> names the
/// request; <paramref name="Source"/> says where the leads came from (<c>hubspot</c>, <c>csv</c>, …) and
/// <paramref name="By"/> who started it. The same lead sent again changes nothing, so a redelivered or
/// retried request is harmless. Answered with <see cref="LeadsTaken"/>.
/// </summary>
public sealed record ReceiveLeads(Guid TenantId, Guid RequestId, string Source, string By, IReadOnlyList<JsonElement> Leads);

/// <summary>The answer to <see cref="ReceiveLeads"/>: which items became (snapshots of) leads, and why the others did not.</summary>
public sealed record LeadsTaken(Guid TenantId, Guid RequestId, IReadOnlyList<TakenLead> Accepted, IReadOnlyList<RejectedItem> Rejected);

/// <summary>The item at <paramref name="Index"/> of the request is the lead <paramref name="LeadId"/>.</summary>
public sealed record TakenLead(int Index, Guid LeadId, string ExternalId);

/// <summary>The item at <paramref name="Index"/> of a request was refused; <paramref name="Errors"/> names each field, as a 400/422 problem does.</summary>
public sealed record RejectedItem(int Index, IReadOnlyDictionary<string, string[]> Errors);
