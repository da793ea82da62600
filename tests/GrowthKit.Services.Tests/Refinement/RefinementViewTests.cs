using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Refinement.Icps;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;
using MassTransit;

namespace GrowthKit.Services.Tests.Refinement;

/// <summary>The refinement service keeps its own view of each ICP's latest published version.</summary>
[Collection(ServersCollection.Name)]
public sealed class RefinementViewTests(TestServers servers) : IAsyncLifetime
{
    private readonly ConsumeWatch _watch = new();
    private readonly RefinementService _refinement = new();

    private IDocumentStore Store => _refinement.Store;
    private IBus Bus => _refinement.Bus;

    public async Task InitializeAsync()
    {
        await _refinement.StartAsync(servers);
        Bus.ConnectConsumeObserver(_watch);
    }

    public Task DisposeAsync() => _refinement.DisposeAsync();

    [Fact]
    public async Task Keeps_the_latest_published_version_per_tenant_and_ignores_redeliveries_and_stale_versions()
    {
        var (tenant, stranger, icpId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.CreateVersion7());

        await PublishAndWaitAsync(Published(tenant, icpId, 1, Samples.Definition()), Guid.NewGuid());
        var v2 = Guid.NewGuid();
        await PublishAndWaitAsync(Published(tenant, icpId, 2, Samples.ChangedDefinition()), v2);
        await PublishAndWaitAsync(Published(tenant, icpId, 2, Samples.ChangedDefinition()), v2);   // redelivered
        await PublishAndWaitAsync(Published(tenant, icpId, 1, Samples.Definition()), Guid.NewGuid()); // late, stale

        await using var session = Store.QuerySession(tenant.ToString());
        var known = await session.LoadAsync<KnownIcp>(icpId);
        Assert.NotNull(known);
        Assert.Equal(2, known.Version);
        Assert.Equal(CanonicalJson.Of(Samples.ChangedDefinition()),
            CanonicalJson.Of(known.Definition.Deserialize<IcpDefinition>(ModelJson.Options)!));

        await using var other = Store.QuerySession(stranger.ToString());
        Assert.Null(await other.LoadAsync<KnownIcp>(icpId));
        Assert.Empty(_watch.Faults);
    }

    private static IcpVersionPublished Published(Guid tenant, Guid icpId, int version, IcpDefinition definition) =>
        new(tenant, icpId, version, JsonSerializer.SerializeToElement(definition, ModelJson.Options), "alice",
            $"version {version}", DateTimeOffset.UtcNow);

    private async Task PublishAndWaitAsync(IcpVersionPublished message, Guid messageId)
    {
        var times = _watch.TimesConsumed(messageId) + 1;
        await Bus.Publish(message, ctx => ctx.MessageId = messageId);
        await _watch.WaitForConsumedAsync(messageId, times);
    }
}
