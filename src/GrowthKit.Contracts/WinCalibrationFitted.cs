namespace GrowthKit.Contracts;

/// <summary>
/// Refinement fitted, from the tenant's closed deals, how likely a lead scored with ICP
/// <paramref name="IcpId"/> version <paramref name="IcpVersion"/> is to be won: an isotonic step
/// function of the score (<paramref name="Steps"/>, lowest scores first). Sent only once the deals
/// hold enough won and lost ones; a later fit of the same version replaces an earlier one
/// (<paramref name="FittedAt"/> orders them).
/// </summary>
public sealed record WinCalibrationFitted(
    Guid TenantId,
    Guid IcpId,
    int IcpVersion,
    int Deals,
    int Won,
    IReadOnlyList<WinCalibrationStep> Steps,
    DateTimeOffset FittedAt);
