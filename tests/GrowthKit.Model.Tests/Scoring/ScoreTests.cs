namespace GrowthKit.Model.Tests.Scoring;

public class ScoreTests
{
    [Theory]
    [MemberData(nameof(ScoreCases.Names), MemberType = typeof(ScoreCases))]
    public void Scores(string name)
    {
        var @case = ScoreCases.ByName[name];

        var result = IcpScorer.Score(Json.Parse(@case.Lead), Json.Read<IcpDefinition>(@case.Definition));

        Assert.Equal(@case.Score, result.Score);
        Assert.Equal(@case.Tier, result.Tier);
        Assert.Equal(@case.DisqualifiedBy, result.DisqualifiedBy?.Key);
    }
}
