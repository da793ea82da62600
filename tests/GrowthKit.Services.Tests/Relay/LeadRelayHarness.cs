using System.Collections.Concurrent;
using GrowthKit.Contracts;
using GrowthKit.Leads;
using GrowthKit.ServiceDefaults;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrowthKit.Services.Tests.Relay;

/// <summary>What a bystander service saw of <see cref="LeadReceived"/>, in arrival order.</summary>
public sealed class LeadReceivedInbox
{
    private readonly ConcurrentQueue<(Guid? MessageId, LeadReceived Message)> _received = new();

    public void Add(Guid? messageId, LeadReceived message) => _received.Enqueue((messageId, message));

    public IReadOnlyList<(Guid? MessageId, LeadReceived Message)> For(Guid leadId) =>
        _received.Where(r => r.Message.LeadId == leadId).ToList();

    public Task<IReadOnlyList<(Guid? MessageId, LeadReceived Message)>> WaitForAsync(Guid leadId) =>
        Eventually.Until(() => Task.FromResult(For(leadId)), r => r.Count > 0, $"LeadReceived for lead {leadId}");
}

public sealed class LeadReceivedProbe(LeadReceivedInbox inbox) : IConsumer<LeadReceived>
{
    public Task Consume(ConsumeContext<LeadReceived> context)
    {
        inbox.Add(context.MessageId, context.Message);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The leads service as its Program.cs builds it (<see cref="GrowthKit.Leads.Extensions.AddLeadServices"/>:
/// Marten, the relay subscription, the bus) on a database of its own, plus a separate listener host
/// with a queue of its own that records every <see cref="LeadReceived"/>. The leads host can be
/// restarted on the same database.
/// </summary>
public sealed class LeadRelayHarness : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _listenerName = "relay-test-" + Guid.NewGuid().ToString("N")[..12];
    private TestServers? _servers;
    private string? _database;
    private IHost? _listener;
    private IHost? _leads;

    public LeadReceivedInbox Inbox { get; } = new();
    public IDocumentStore Store => (_leads ?? throw new InvalidOperationException("Not started.")).Services.GetRequiredService<IDocumentStore>();

    public async Task StartAsync(TestServers servers)
    {
        await _gate.WaitAsync();
        try
        {
            if (_servers is not null) return;
            _servers = servers;
            _database = await servers.CreateDatabaseAsync("leads");
            // The listener's queue is bound before the relay can publish anything.
            _listener = await StartListenerAsync(servers);
            _leads = await StartLeadsAsync(servers);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A clean stop of the leads service and a new start on the same schema.</summary>
    public async Task RestartLeadsAsync()
    {
        await _leads!.StopAndDisposeAsync();
        _leads = null;
        _leads = await StartLeadsAsync(_servers!);
    }

    private async Task<IHost> StartLeadsAsync(TestServers servers)
    {
        var builder = ServiceHost.CreateBuilder(servers, _database);
        builder.AddServiceDefaults();
        builder.AddLeadServices();
        return await builder.StartAsync(app =>
        {
            app.UseGrowthKitApi();
            app.MapDefaultEndpoints();
            app.MapLeadApi();
        });
    }

    private async Task<IHost> StartListenerAsync(TestServers servers)
    {
        var builder = ServiceHost.CreateBuilder(servers);
        builder.Services.AddSingleton(Inbox);
        builder.AddGrowthKitMessaging(_listenerName, bus =>
            bus.AddConsumer<LeadReceivedProbe>().Endpoint(e =>
            {
                e.Name = _listenerName;
                e.Temporary = true; // deleted with the listener's connection
                e.ConcurrentMessageLimit = 1; // records in queue order
            }));
        return await builder.StartAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // The relay publishes into the broker: stop it before the listener goes.
        if (_leads is not null) await _leads.StopAndDisposeAsync();
        if (_listener is not null) await _listener.StopAndDisposeAsync();
        _gate.Dispose();
    }
}
