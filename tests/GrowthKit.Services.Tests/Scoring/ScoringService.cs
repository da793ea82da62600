using System.Net.Http.Headers;
using GrowthKit.Scoring;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>
/// The scoring service as its Program.cs builds it (<see cref="GrowthKit.Scoring.Extensions.AddScoringServices"/>:
/// its consumers, their endpoint definitions, its Marten options, tables and re-scoring worker), on a
/// database of its own, called over HTTP with the token the gateway would mint. It can be stopped and
/// started again on the same database.
/// </summary>
public sealed class ScoringService : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TestServers? _servers;
    private string? _database;
    private WebApplication? _app;

    public ConsumeWatch Watch { get; } = new();
    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();
    public IBus Bus => Services.GetRequiredService<IBus>();
    public string Database => _database ?? throw new InvalidOperationException("Not started.");
    private IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    /// <summary>Starts the host on the first call (a class fixture cannot take the collection fixture in its constructor).</summary>
    public async Task StartAsync(TestServers servers)
    {
        await _gate.WaitAsync();
        try
        {
            if (_app is not null) return;
            _servers = servers;
            _database ??= await servers.CreateDatabaseAsync("scoring");
            var builder = ServiceHost.CreateBuilder(servers, _database);
            builder.AddServiceDefaults();
            builder.AddScoringServices();
            _app = await builder.StartAsync(app =>
            {
                app.UseGrowthKitApi();
                app.MapDefaultEndpoints();
                app.MapScoringApi();
            });
            Bus.ConnectConsumeObserver(Watch);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the service (an orderly stop: the worker's transaction in flight is rolled back).</summary>
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
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            InternalToken.Create(ServiceHost.TokenKey, "scoring", tenant, actor, Guid.NewGuid(), DateTimeOffset.UtcNow));
        return client;
    }

    /// <summary>A connection to the service's database, for counting what it wrote.</summary>
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
