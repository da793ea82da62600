namespace GrowthKit.Model;

public static class ScoringModel
{
    /// <summary>Names the scoring function; part of every input hash, so bump it whenever a score could change.</summary>
    public const string ModelVersion = "growthkit-score/1";
}
