using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using GrowthKit.Contracts;
using GrowthKit.Platform.Messaging;
using GrowthKit.Platform.Persistence.Metering;
using GrowthKit.ServiceDefaults;
using GrowthKit.Services.Tests.Infrastructure;
using GrowthKit.Services.Tests.Leads;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrowthKit.Services.Tests.Relay;

/// <summary>What a bystander service saw of <see cref="LeadsReceived"/>, in arrival order.</summary>
public sealed class LeadsReceivedInbox
{
    private readonly ConcurrentQueue<(Guid? MessageId, LeadsReceived Message)> _received = new();

    public void Add(Guid? messageId, LeadsReceived message) => _received.Enqueue((messageId, message));

    /// <summary>Every message that carried leads of <paramref name="tenant"/>.</summary>
    public IReadOnlyList<(Guid? MessageId, LeadsReceived Message)> ForTenant(Guid tenant) =>
        _received.Where(r => r.Message.TenantId == tenant).ToList();

    /// <summary>Every announcement of a snapshot of <paramref name="leadId"/>, with the message that carried it.</summary>
    public IReadOnlyList<(Guid? MessageId, LeadReceived Lead)> For(Guid leadId) =>
        _received.SelectMany(r => r.Message.Leads.Where(l => l.LeadId == leadId).Select(l => (r.MessageId, l))).ToList();

    public Task<IReadOnlyList<(Guid? MessageId, LeadReceived Lead)>> WaitForAsync(Guid leadId) =>
        Eventually.Until(() => Task.FromResult(For(leadId)), r => r.Count > 0, $"LeadsReceived for lead {leadId}");

    /// <summary>Waits until <paramref name="count"/> lead snapshots of the tenant were announced.</summary>
    public Task<IReadOnlyList<(Guid? MessageId, LeadsReceived Message)>> WaitForTenantAsync(Guid tenant, int count) =>
        Eventually.Until(() => Task.FromResult(ForTenant(tenant)), r => r.Sum(m => m.Message.Leads.Count) >= count,
            $"{count} leads of tenant {tenant} in LeadsReceived");
}

public sealed class LeadsReceivedProbe(LeadsReceivedInbox inbox) : IConsumer<LeadsReceived>
{
    public Task Consume(ConsumeContext<LeadsReceived> context)
    {
        inbox.Add(context.MessageId, context.Message);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The leads service as its Program.cs wires it (<see cref="LeadsService"/>) on a database of its own,
/// plus a separate listener host with a queue of its own that records every <see cref="LeadsReceived"/>.
/// The leads host can be restarted on the same database.
/// </summary>
public sealed class LeadRelayHarness : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _listenerName = "relay-test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly LeadsService _leads = new() { ClientTimeout = TimeSpan.FromSeconds(60) };
    private TestServers? _servers;
    private IHost? _listener;

    public LeadsReceivedInbox Inbox { get; } = new();
    public IDocumentStore Store => _leads.Store;

    public async Task StartAsync(TestServers servers)
    {
        await _gate.WaitAsync();
        try
        {
            if (_servers is not null) return;
            _servers = servers;
            // The listener's queue is bound before the relay can publish anything.
            _listener = await StartListenerAsync(servers);
            await _leads.StartAsync(servers);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A clean stop of the leads service and a new start on the same schema.</summary>
    public Task RestartLeadsAsync() => _leads.RestartAsync();

    /// <summary>A client for <paramref name="tenant"/>, as the gateway would forward its requests.</summary>
    /// <param name="leadsPerMonth">The tenant's quota, as the gateway puts it in the token.</param>
    public HttpClient ClientFor(Guid tenant, int? leadsPerMonth = null) => _leads.ClientFor(tenant, claims:
        leadsPerMonth is { } quota ? [new Claim(Quotas.LeadsPerMonthClaim, quota.ToString(CultureInfo.InvariantCulture))] : null);

    /// <summary>A client with the gateway's platform token, for the service's internal routes.</summary>
    public HttpClient PlatformClient() => _leads.PlatformClient();

    private async Task<IHost> StartListenerAsync(TestServers servers)
    {
        var builder = ServiceHost.CreateBuilder(servers);
        builder.Services.AddSingleton(Inbox);
        builder.AddGrowthKitMessaging(_listenerName, bus =>
            bus.AddConsumer<LeadsReceivedProbe>().Endpoint(e =>
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
        await _leads.DisposeAsync();
        if (_listener is not null) await _listener.StopAndDisposeAsync();
        _gate.Dispose();
    }
}
