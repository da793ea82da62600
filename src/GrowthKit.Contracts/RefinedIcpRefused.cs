namespace GrowthKit.Contracts;

/// <summary>
/// The refined definition was not published: the ICP is unknown, moved on since the base version, has
/// unpublished edits, or the definition breaks a rule. <paramref name="Reason"/> says which.
/// </summary>
public sealed record RefinedIcpRefused(Guid TenantId, Guid IcpId, Guid RequestId, string Reason);
