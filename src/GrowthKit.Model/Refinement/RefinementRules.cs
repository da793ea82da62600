namespace GrowthKit.Model;

/// <summary>
/// When refinement may propose, and how far one version may move the ICP.
/// </summary>
/// <param name="MinWon">Won deals needed before anything is proposed; never below <see cref="EvidenceFloor"/>.</param>
/// <param name="MinLost">Lost deals needed before anything is proposed; never below <see cref="EvidenceFloor"/>.</param>
/// <param name="MaxWeightChange">How many points one version may move a criterion's weight (a new criterion enters with at most this much).</param>
public sealed record RefinementRules(int MinWon = RefinementRules.EvidenceFloor, int MinLost = RefinementRules.EvidenceFloor,
    decimal MaxWeightChange = RefinementRules.DefaultMaxWeightChange)
{
    /// <summary>Nothing is proposed on fewer won or lost deals than this, whatever the settings say.</summary>
    public const int EvidenceFloor = 40;

    public const decimal DefaultMaxWeightChange = 20;

    /// <summary>The newest share of the closed deals (by close date) kept out of fitting, to measure the AUC a change would give.</summary>
    public const double HoldoutShare = 0.3;

    /// <summary>A proposal must raise the holdout AUC by at least this much; smaller gains are noise.</summary>
    public const double MinAucGain = 0.005;

    public static RefinementRules Default { get; } = new();

    public bool HasEnoughEvidence(int won, int lost) =>
        won >= Math.Max(EvidenceFloor, MinWon) && lost >= Math.Max(EvidenceFloor, MinLost);
}
