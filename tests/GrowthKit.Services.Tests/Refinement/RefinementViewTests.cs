using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Refinement;
using GrowthKit.Refinement.Icps;
using GrowthKit.ServiceDefaults;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrowthKit.Services.Tests.Refinement;

/// <summary>The refinement service keeps its own view of each ICP's latest published version.</summary>
[Collection(ServersCollection.Name)]
public sealed class RefinementViewTests(TestServers servers) : IAsyncLifetime
{
    private readonly ConsumeWatch _watch = new();
    private WebApplication? _app;

    private IDocumentStore Store => _app!.Services.GetRequiredService<IDocumentStore>();
    private IBus Bus => _app!.Services.GetRequiredService<IBus>();

    public async Task InitializeAsync()
    {
        var builder = ServiceHost.CreateBuilder(servers, await servers.CreateDatabaseAsync("refinement"));
        builder.AddServiceDefaults();
        builder.AddRefinementServices();
        _app = await builder.StartAsync(app =>
        {
            app.UseGrowthKitApi();
            app.MapDefaultEndpoints();
        });
        Bus.ConnectConsumeObserver(_watch);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.StopAndDisposeAsync();
    }

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
