namespace GrowthKit.Chaos.Tests;

/// <summary>One running system for every fault, one after the other; each fault streams into a tenant of its own.</summary>
[CollectionDefinition(Name)]
public sealed class ChaosCollection : ICollectionFixture<GrowthKitApp>
{
    public const string Name = "GrowthKit under faults";
}
