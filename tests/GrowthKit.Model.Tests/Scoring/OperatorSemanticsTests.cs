namespace GrowthKit.Model.Tests.Scoring;

public class OperatorSemanticsTests
{
    [Theory]
    [MemberData(nameof(OperatorCases.Names), MemberType = typeof(OperatorCases))]
    public void Operator(string name)
    {
        var @case = OperatorCases.ByName[name];

        var result = IcpScorer.Score(Json.Parse(@case.Lead), @case.Definition());

        var criterion = Assert.Single(result.Breakdown);
        Assert.Equal(@case.Matches, criterion.Matched);
        Assert.Equal(@case.Matches ? 10m : 0m, criterion.Contribution);
        Assert.Equal(@case.Matches ? 100m : 0m, result.Score);
    }
}
