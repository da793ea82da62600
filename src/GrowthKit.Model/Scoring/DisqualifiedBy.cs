namespace GrowthKit.Model;

public sealed record DisqualifiedBy(string Key, string Reason);
