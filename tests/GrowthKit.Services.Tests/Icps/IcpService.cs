using System.Net.Http.Headers;
using GrowthKit.Icp;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrowthKit.Services.Tests.Icps;

/// <summary>
/// The ICP service as its Program.cs builds it, on a database of its own, called over HTTP with the
/// token the gateway would mint. It can be restarted on the same database.
/// </summary>
public sealed class IcpService : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TestServers? _servers;
    private string? _database;
    private WebApplication? _app;

    public IDocumentStore Store => _app!.Services.GetRequiredService<IDocumentStore>();
    public string Database => _database!;

    public async Task StartAsync(TestServers servers)
    {
        await _gate.WaitAsync();
        try
        {
            if (_app is not null) return;
            _servers = servers;
            _database ??= await servers.CreateDatabaseAsync("icp");
            var builder = ServiceHost.CreateBuilder(servers, _database);
            builder.AddServiceDefaults();
            builder.AddIcpServices();
            _app = await builder.StartAsync(app =>
            {
                app.UseGrowthKitApi();
                app.MapDefaultEndpoints();
                app.MapIcpApi();
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the service and starts it again on the same database.</summary>
    public async Task RestartAsync()
    {
        await _app!.StopAndDisposeAsync();
        _app = null;
        await StartAsync(_servers!);
    }

    /// <summary>A client for <paramref name="tenant"/>, as the gateway would forward its requests.</summary>
    public HttpClient ClientFor(Guid tenant, string actor = "alice")
    {
        var address = _app!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            InternalToken.Create(ServiceHost.TokenKey, "icp", tenant, actor, Guid.NewGuid(), DateTimeOffset.UtcNow));
        return client;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.StopAndDisposeAsync();
        _gate.Dispose();
    }
}
