using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Integrations;
using GrowthKit.Leads;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using GrowthKit.Services.Tests.Infrastructure;
using GrowthKit.Services.Tests.Refinement;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>
/// The integrations service with the services it feeds — leads, refinement and the ICP service — as
/// their Program.cs build them, each on its own database, on the shared PostgreSQL and RabbitMQ. The
/// integrations service can be stopped and started again on its database (a crash and a restart).
/// </summary>
public sealed class CrmKit : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _dataProtectionKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private TestServers? _servers;
    private string? _integrationsDatabase;
    private WebApplication? _leads;
    private WebApplication? _integrations;

    public RefinementKit Refinement { get; } = new();

    public IBus Bus => _integrations!.Services.GetRequiredService<IBus>();

    public IDocumentStore LeadsStore => _leads!.Services.GetRequiredService<IDocumentStore>();

    public IDocumentStore IntegrationsStore => _integrations!.Services.GetRequiredService<IDocumentStore>();

    public async Task StartAsync(TestServers servers)
    {
        await _gate.WaitAsync();
        try
        {
            if (_leads is not null) return;
            _servers = servers;
            var leads = ServiceHost.CreateBuilder(servers, await servers.CreateDatabaseAsync("leads"));
            leads.AddServiceDefaults();
            leads.AddLeadServices();
            _leads = await leads.StartAsync(app =>
            {
                app.UseGrowthKitApi();
                app.MapDefaultEndpoints();
                app.MapLeadApi();
            });
            await Refinement.StartAsync(servers);
            _integrationsDatabase = await servers.CreateDatabaseAsync("integrations");
            await StartIntegrationsAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <param name="sweep">How often the scheduler looks for due or unfinished syncs: rarely, unless a test is about it,
    /// so that it starts no sync of its own beside the ones a test starts.</param>
    public async Task StartIntegrationsAsync(TimeSpan? sweep = null)
    {
        var builder = ServiceHost.CreateBuilder(_servers!, _integrationsDatabase);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GrowthKit:DataProtectionKey"] = _dataProtectionKey,
            // The fake CRMs listen on loopback.
            ["GrowthKit:AllowPrivateNetworks"] = "true",
            ["Integrations:Sync:SweepInterval"] = (sweep ?? TimeSpan.FromHours(1)).ToString(),
            ["Integrations:HubSpot:OverlapWindow"] = "00:05:00",
            ["Integrations:HubSpot:BurstPer10Seconds"] = "2000",
            ["Integrations:HubSpot:SearchPerSecond"] = "50",
            ["Integrations:Pipedrive:BurstPer2Seconds"] = "1000",
            ["Integrations:Http:MaxAttempts"] = "3",
            ["Integrations:Http:Delay"] = "00:00:00.050",
        });
        builder.AddServiceDefaults();
        builder.AddIntegrationServices();
        _integrations = await builder.StartAsync(app =>
        {
            app.UseGrowthKitApi();
            app.MapDefaultEndpoints();
            app.MapIntegrationApi();
        });
    }

    public async Task StopIntegrationsAsync()
    {
        await _integrations!.StopAndDisposeAsync();
        _integrations = null;
    }

    public HttpClient Integrations(Guid tenant) => ClientFor(_integrations!, "integrations", tenant);

    public HttpClient Leads(Guid tenant) => ClientFor(_leads!, "leads", tenant);

    private static HttpClient ClientFor(WebApplication app, string service, Guid tenant)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            InternalToken.Create(ServiceHost.TokenKey, service, tenant, "alice", Guid.NewGuid(), DateTimeOffset.UtcNow));
        return client;
    }

    /// <summary>Connects the CRM, starts a sync and waits until it is no longer running; returns the sync's view.</summary>
    public async Task<JsonObject> ConnectAndSyncAsync(Guid tenant, string kind, string token, string baseUrl)
    {
        using var api = Integrations(tenant);
        var connected = await api.PutAsJsonAsync($"/api/integrations/{kind}", new { accessToken = token, baseUrl });
        Assert.True(connected.IsSuccessStatusCode, await connected.Content.ReadAsStringAsync());
        return await SyncAsync(tenant, kind);
    }

    public async Task<JsonObject> SyncAsync(Guid tenant, string kind, TimeSpan? timeout = null)
    {
        using var api = Integrations(tenant);
        var started = await api.PostAsync($"/api/integrations/{kind}/sync", null);
        Assert.True(started.StatusCode == System.Net.HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        return await WaitForSyncAsync(tenant, kind, s => s["status"]!.GetValue<string>() != "running", timeout);
    }

    public async Task<JsonObject> WaitForSyncAsync(Guid tenant, string kind, Func<JsonObject, bool> done, TimeSpan? timeout = null)
    {
        return await Eventually.Until(async () =>
        {
            using var api = Integrations(tenant);
            var response = await api.GetAsync($"/api/integrations/{kind}/sync");
            return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonObject>())! : [];
        }, s => s.ContainsKey("status") && done(s), $"the {kind} sync of tenant {tenant}", timeout ?? TimeSpan.FromSeconds(90));
    }

    /// <summary>How many lead snapshots the leads service recorded for the tenant (one per lead when nothing was sent twice changed).</summary>
    public async Task<int> LeadSnapshotsAsync(Guid tenant)
    {
        await using var session = LeadsStore.QuerySession(tenant.ToString());
        return await session.Events.QueryAllRawEvents().CountAsync();
    }

    /// <summary>The lead's snapshots as the leads service recorded them, oldest first.</summary>
    public async Task<IReadOnlyList<GrowthKit.Leads.Leads.LeadSnapshotRecorded>> SnapshotsAsync(Guid tenant, string externalId)
    {
        await using var session = LeadsStore.QuerySession(tenant.ToString());
        var events = await session.Events.FetchStreamAsync(RefinementKit.LeadId(tenant, externalId));
        return [.. events.Select(e => e.Data).OfType<GrowthKit.Leads.Leads.LeadSnapshotRecorded>()];
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_integrations is not null) await _integrations.StopAndDisposeAsync();
        await Refinement.DisposeAsync();
        if (_leads is not null) await _leads.StopAndDisposeAsync();
        _gate.Dispose();
    }
}
