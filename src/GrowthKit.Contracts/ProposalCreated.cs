using System.Text.Json;

namespace GrowthKit.Contracts;

/// <summary>
/// The refinement service proposed a change to an ICP (webhook <c>proposal.created</c>).
/// <paramref name="Changes"/> and <paramref name="Evidence"/> are as <c>GET /api/icps/{icpId}/proposals</c> shows them.
/// </summary>
public sealed record ProposalCreated(
    Guid TenantId,
    Guid IcpId,
    Guid ProposalId,
    int BaseVersion,
    JsonElement Changes,
    JsonElement Evidence,
    double CurrentAuc,
    double ExpectedAuc,
    DateTimeOffset CreatedAt);
