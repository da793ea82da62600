using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Refinement.Leads;
using GrowthKit.Services.Tests.Icps;
using GrowthKit.Services.Tests.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace GrowthKit.Services.Tests.Refinement;

/// <summary>
/// The refinement service and the ICP service as their Program.cs wire them, each on its own
/// database, on the shared PostgreSQL and RabbitMQ: ICPs are published through the ICP service (its
/// relay tells refinement), leads arrive as the leads service relays them (<see cref="LeadsReceived"/>),
/// and accepting a proposal goes to the ICP service over the broker. The ICP service can be stopped.
/// </summary>
public sealed class RefinementKit : IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Auto mode's quiet moment after deals arrive, short for the tests.</summary>
    public static readonly TimeSpan AutoDebounce = TimeSpan.FromMilliseconds(300);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly RefinementService _refinement = new()
    {
        Settings =
        {
            ["Refinement:AutoDebounce"] = AutoDebounce.ToString(),
            ["Refinement:UnknownLeadGrace"] = "00:00:00.300",
            ["Refinement:AcceptTimeout"] = "00:00:03",
        },
    };
    private readonly IcpService _icp = new();
    private TestServers? _servers;

    public IBus Bus => _refinement.Bus;

    public async Task StartAsync(TestServers servers)
    {
        await _gate.WaitAsync();
        try
        {
            if (_servers is not null) return;
            await _refinement.StartAsync(servers);
            await _icp.StartAsync(servers);
            _servers = servers;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task StartIcpAsync() => _icp.StartAsync(_servers!);

    public Task StopIcpAsync() => _icp.StopAsync();

    public HttpClient Refinement(Guid tenant, string actor = "alice") => _refinement.ClientFor(tenant, actor);

    public HttpClient Icp(Guid tenant, string actor = "alice") => _icp.ClientFor(tenant, actor);

    /// <summary>Drafts and publishes the definition through the ICP service and waits until refinement knows version 1.</summary>
    public async Task<Guid> PublishIcpAsync(Guid tenant, string definitionJson)
    {
        var icp = Icp(tenant);
        var created = await icp.PostAsync("/api/icps", new StringContent(definitionJson, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var icpId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["icpId"]!.GetValue<Guid>();
        var published = await icp.PostAsJsonAsync($"/api/icps/{icpId}/publish", new { reason = "first version" });
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        await WaitForVersionAsync(tenant, icpId, 1);
        return icpId;
    }

    /// <summary>Waits until refinement's gap report is made against <paramref name="version"/>.</summary>
    public async Task WaitForVersionAsync(Guid tenant, Guid icpId, int version)
    {
        var api = Refinement(tenant);
        await Eventually.Until(async () =>
        {
            var response = await api.GetAsync($"/api/icps/{icpId}/gap-report");
            return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonObject>())!["icpVersion"]!.GetValue<int>() : 0;
        }, v => v >= version, $"refinement to know version {version} of ICP {icpId}");
    }

    /// <summary>Sends leads as the leads service relays them, and waits until refinement knows the last of them.</summary>
    public async Task SendLeadsAsync(Guid tenant, IReadOnlyList<(string ExternalId, JsonElement Lead)> leads)
    {
        foreach (var page in leads.Chunk(1000))
        {
            await Bus.Publish(new LeadsReceived(tenant, [.. page.Select(l => new LeadReceived(tenant, LeadId(tenant, l.ExternalId),
                l.ExternalId, 1, l.Lead, l.Lead, DateTimeOffset.UtcNow))]));
        }
        var last = leads[^1].ExternalId;
        var known = _refinement.Services.GetRequiredService<KnownLeads>();
        await Eventually.Until(async () => (await known.FindAsync(tenant, [], [last], default)).ByExternalId.ContainsKey(last),
            found => found, $"refinement to know lead {last}");
    }

    public static Guid LeadId(Guid tenant, string externalId) => Model.DeterministicId.For(tenant.ToString(), externalId);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _icp.DisposeAsync();
        await _refinement.DisposeAsync();
        _gate.Dispose();
    }
}
