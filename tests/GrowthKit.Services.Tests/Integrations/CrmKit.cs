using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Services.Tests.Infrastructure;
using GrowthKit.Services.Tests.Leads;
using GrowthKit.Services.Tests.Refinement;
using Marten;
using MassTransit;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>
/// The integrations service with the services it feeds — leads, refinement and the ICP service — as
/// their Program.cs wire them, each on its own database, on the shared PostgreSQL and RabbitMQ. The
/// integrations service can be stopped and started again on its database (a crash and a restart).
/// </summary>
public sealed class CrmKit : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LeadsService _leads = new();
    private readonly IntegrationsService _integrations = IntegrationsService.With(new Dictionary<string, string?>
    {
        ["GrowthKit:DataProtectionKey"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        // The fake CRMs listen on loopback.
        ["GrowthKit:AllowPrivateNetworks"] = "true",
        ["Integrations:HubSpot:OverlapWindow"] = "00:05:00",
        ["Integrations:HubSpot:BurstPer10Seconds"] = "2000",
        ["Integrations:HubSpot:SearchPerSecond"] = "50",
        ["Integrations:Pipedrive:BurstPer2Seconds"] = "1000",
        ["Integrations:Http:MaxAttempts"] = "3",
        ["Integrations:Http:Delay"] = "00:00:00.050",
    });
    private TestServers? _servers;

    public RefinementKit Refinement { get; } = new();

    public IBus Bus => _integrations.Bus;

    public IDocumentStore LeadsStore => _leads.Store;

    public IDocumentStore IntegrationsStore => _integrations.Store;

    public async Task StartAsync(TestServers servers)
    {
        await _gate.WaitAsync();
        try
        {
            if (_servers is not null) return;
            await _leads.StartAsync(servers);
            await Refinement.StartAsync(servers);
            _servers = servers;
            await StartIntegrationsAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <param name="sweep">How often the scheduler looks for due or unfinished syncs: rarely, unless a test is about it,
    /// so that it starts no sync of its own beside the ones a test starts.</param>
    public Task StartIntegrationsAsync(TimeSpan? sweep = null)
    {
        _integrations.Settings["Integrations:Sync:SweepInterval"] = (sweep ?? TimeSpan.FromHours(1)).ToString();
        return _integrations.StartAsync(_servers!);
    }

    public Task StopIntegrationsAsync() => _integrations.StopAsync();

    public HttpClient Integrations(Guid tenant) => _integrations.ClientFor(tenant);

    public HttpClient Leads(Guid tenant) => _leads.ClientFor(tenant);

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
    public async Task<IReadOnlyList<GrowthKit.Leads.LeadSnapshotRecorded>> SnapshotsAsync(Guid tenant, string externalId)
    {
        await using var session = LeadsStore.QuerySession(tenant.ToString());
        var events = await session.Events.FetchStreamAsync(RefinementKit.LeadId(tenant, externalId));
        return [.. events.Select(e => e.Data).OfType<GrowthKit.Leads.LeadSnapshotRecorded>()];
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _integrations.DisposeAsync();
        await Refinement.DisposeAsync();
        await _leads.DisposeAsync();
        _gate.Dispose();
    }
}
