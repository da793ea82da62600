using System.Text.Json;

namespace GrowthKit.Contracts;

/// <summary>
/// Asks the refinement service to record closed deals that came from elsewhere than its HTTP API — a
/// CRM sync, a CSV import — exactly as <c>POST /api/deals/batch</c> would: each item is a deal in the
/// public JSON shape (docs/api.md, Outcomes). A repeated <c>dealId</c> changes nothing, so a
/// redelivered or retried request is harmless. Answered with <see cref="DealsTaken"/>.
/// </summary>
public sealed record RecordDeals(Guid TenantId, Guid RequestId, string Source, string By, IReadOnlyList<JsonElement> Deals);

/// <summary>The answer to <see cref="RecordDeals"/>.</summary>
public sealed record DealsTaken(Guid TenantId, Guid RequestId, IReadOnlyList<TakenDeal> Accepted, IReadOnlyList<RejectedItem> Rejected);

/// <summary>The item at <paramref name="Index"/> of the request is the deal <paramref name="DealId"/>.</summary>
public sealed record TakenDeal(int Index, string DealId);
