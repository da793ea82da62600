namespace GrowthKit.Model.Tests.Scoring;

public sealed record ScoreCase(string Name, string Definition, string Lead, decimal Score, string Tier, string? DisqualifiedBy = null)
{
    public override string ToString() => Name;
}
