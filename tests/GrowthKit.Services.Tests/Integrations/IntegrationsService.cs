using System.Net.Http.Headers;
using System.Security.Cryptography;
using GrowthKit.Integrations;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using GrowthKit.Services.Tests.Infrastructure;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>
/// The integrations service as its Program.cs builds it, on a database of its own, with short test
/// schedules (imports polled often, webhook retries in milliseconds) and private addresses allowed,
/// so that a receiver on loopback can be reached. It can be restarted on the same database.
/// </summary>
public sealed class IntegrationsService : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _dataProtectionKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private TestServers? _servers;
    private string? _database;
    private WebApplication? _app;

    /// <summary>Settings a test class adds before the first start (for example, another retry schedule).</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Imports:PollInterval"] = "00:00:00.200",
        ["Imports:RetryAfter"] = "00:00:00.500",
        ["Imports:RequestTimeout"] = "00:00:10",
        ["GrowthKit:AllowPrivateNetworks"] = "true",
        ["Webhooks:PollInterval"] = "00:00:00.100",
        ["Webhooks:Timeout"] = "00:00:02",
        ["Webhooks:RetrySchedule:0"] = "00:00:00.200",
        ["Webhooks:RetrySchedule:1"] = "00:00:00.300",
    };

    public IBus Bus => Services.GetRequiredService<IBus>();
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");
    public string Database => _database ?? throw new InvalidOperationException("Not started.");

    public async Task StartAsync(TestServers servers)
    {
        await _gate.WaitAsync();
        try
        {
            if (_app is not null) return;
            _servers = servers;
            _database ??= await servers.CreateDatabaseAsync("integrations");
            var builder = ServiceHost.CreateBuilder(servers, _database);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GrowthKit:DataProtectionKey"] = _dataProtectionKey,
            });
            builder.Configuration.AddInMemoryCollection(Settings);
            builder.AddServiceDefaults();
            builder.AddIntegrationServices();
            _app = await builder.StartAsync(app =>
            {
                app.UseGrowthKitApi();
                app.MapDefaultEndpoints();
                app.MapIntegrationApi();
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_app is null) return;
            await _app.StopAndDisposeAsync();
            _app = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync(_servers!);
    }

    /// <summary>A client for <paramref name="tenant"/>, as the gateway would forward its requests.</summary>
    public HttpClient ClientFor(Guid tenant, string actor = "alice")
    {
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            InternalToken.Create(ServiceHost.TokenKey, "integrations", tenant, actor, Guid.NewGuid(), DateTimeOffset.UtcNow));
        return client;
    }

    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        return connection;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.StopAndDisposeAsync();
        _gate.Dispose();
    }
}
