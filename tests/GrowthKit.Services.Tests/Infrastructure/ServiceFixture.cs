using System.Security.Claims;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GrowthKit.Services.Tests.Infrastructure;

/// <summary>
/// One service hosted in the test process from its own wiring — the <c>Add…Service</c> and
/// <c>Map…Service</c> its Program.cs calls — on a database of its own on the shared servers, called
/// over HTTP with the token the gateway would mint. It starts on the first <see cref="StartAsync"/>
/// (a class fixture cannot take the collection fixture in its constructor) and can be stopped and
/// started again on the same database.
/// </summary>
public abstract class ServiceFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Action<WebApplicationBuilder> _add;
    private readonly Action<WebApplication> _map;
    private TestServers? _servers;
    private string? _database;
    private WebApplication? _app;

    /// <param name="service">The audience of the service's tokens, and the prefix of its database's name.</param>
    protected ServiceFixture(string service, Action<WebApplicationBuilder> add, Action<WebApplication> map)
    {
        Service = service;
        _add = add;
        _map = map;
    }

    public string Service { get; }

    /// <summary>Configuration added at every start, before the service's wiring (a test class may change it before the first).</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>How long a client waits for an answer; HttpClient's default unless set.</summary>
    public TimeSpan? ClientTimeout { get; init; }

    /// <summary>Runs after every start, for example to watch the new host's bus.</summary>
    protected Action<IServiceProvider>? Started { get; init; }

    public IServiceProvider Services => Running.Services;
    public string Database => _database ?? throw new InvalidOperationException($"The {Service} service is not started.");
    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();
    public IBus Bus => Services.GetRequiredService<IBus>();

    private WebApplication Running => _app ?? throw new InvalidOperationException($"The {Service} service is not started.");

    public async Task StartAsync(TestServers servers)
    {
        await _gate.WaitAsync();
        try
        {
            if (_app is not null) return;
            _servers = servers;
            _database ??= await servers.CreateDatabaseAsync(Service);
            var builder = ServiceHost.CreateBuilder(servers, _database);
            builder.Configuration.AddInMemoryCollection(Settings);
            _add(builder);
            _app = await builder.StartAsync(_map);
            Started?.Invoke(_app.Services);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>An orderly stop (work in flight is rolled back); a later start uses the same database.</summary>
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
        await StartAsync(_servers ?? throw new InvalidOperationException($"The {Service} service was never started."));
    }

    /// <summary>A client for <paramref name="tenant"/>, as the gateway would forward its requests (with the <paramref name="claims"/> it adds).</summary>
    public HttpClient ClientFor(Guid tenant, string actor = "alice", IEnumerable<Claim>? claims = null) =>
        Running.ClientFor(Service, tenant, actor, claims, ClientTimeout);

    /// <summary>A client with the gateway's platform token (no tenant), for the service's internal routes.</summary>
    public HttpClient PlatformClient() => Running.PlatformClientFor(Service, ClientTimeout);

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
