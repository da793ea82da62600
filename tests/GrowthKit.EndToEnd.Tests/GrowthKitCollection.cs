namespace GrowthKit.EndToEnd.Tests;

/// <summary>Every end-to-end test shares one running system (xunit wants the definition in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class GrowthKitCollection : ICollectionFixture<GrowthKitApp>
{
    public const string Name = "GrowthKit system";
}
