using GrowthKit.Scoring;
using GrowthKit.ServiceDefaults;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>
/// The scoring service as its Program.cs builds it (<see cref="GrowthKit.Scoring.Extensions.AddScoringServices"/>:
/// its consumers, their endpoint definitions, its Marten options and schema), on a database of its own.
/// </summary>
public sealed class ScoringService : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IHost? _host;

    public ConsumeWatch Watch { get; } = new();
    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();
    public IBus Bus => Services.GetRequiredService<IBus>();
    private IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("Not started.");

    /// <summary>Starts the host on the first call (a class fixture cannot take the collection fixture in its constructor).</summary>
    public async Task StartAsync(TestServers servers)
    {
        await _gate.WaitAsync();
        try
        {
            if (_host is not null) return;
            var builder = ServiceHost.CreateBuilder(servers, await servers.CreateDatabaseAsync("scoring"));
            builder.AddServiceDefaults();
            builder.AddScoringServices();
            _host = await builder.StartAsync(app =>
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

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.StopAndDisposeAsync();
        _gate.Dispose();
    }
}
