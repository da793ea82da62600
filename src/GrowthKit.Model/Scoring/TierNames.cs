namespace GrowthKit.Model;

public static class TierNames
{
    public const string A = "A";
    public const string B = "B";
    public const string C = "C";
    public const string D = "D";
    public const string Disqualified = "disqualified";
}
