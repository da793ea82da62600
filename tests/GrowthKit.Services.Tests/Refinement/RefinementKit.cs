using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Icp;
using GrowthKit.Refinement;
using GrowthKit.Refinement.Leads;
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

namespace GrowthKit.Services.Tests.Refinement;

/// <summary>
/// The refinement service and the ICP service as their Program.cs build them, each on its own
/// database, on the shared PostgreSQL and RabbitMQ: ICPs are published through the ICP service (its
/// relay tells refinement), leads arrive as the leads service relays them (<see cref="LeadsReceived"/>),
/// and accepting a proposal goes to the ICP service over the broker. The ICP service can be stopped.
/// </summary>
public sealed class RefinementKit : IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private TestServers? _servers;
    private string? _icpDatabase;
    private WebApplication? _refinement;
    private WebApplication? _icp;

    public IBus Bus => _refinement!.Services.GetRequiredService<IBus>();

    /// <summary>Auto mode's quiet moment after deals arrive, short for the tests.</summary>
    public static readonly TimeSpan AutoDebounce = TimeSpan.FromMilliseconds(300);

    public async Task StartAsync(TestServers servers)
    {
        await _gate.WaitAsync();
        try
        {
            if (_refinement is not null) return;
            _servers = servers;
            var builder = ServiceHost.CreateBuilder(servers, await servers.CreateDatabaseAsync("refinement"));
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Refinement:AutoDebounce"] = AutoDebounce.ToString(),
                ["Refinement:UnknownLeadGrace"] = "00:00:00.300",
                ["Refinement:AcceptTimeout"] = "00:00:03",
            });
            builder.AddServiceDefaults();
            builder.AddRefinementServices();
            _refinement = await builder.StartAsync(app =>
            {
                app.UseGrowthKitApi();
                app.MapDefaultEndpoints();
                app.MapRefinementApi();
            });
            await StartIcpAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StartIcpAsync()
    {
        if (_icp is not null) return;
        _icpDatabase ??= await _servers!.CreateDatabaseAsync("icp");
        var builder = ServiceHost.CreateBuilder(_servers!, _icpDatabase);
        builder.AddServiceDefaults();
        builder.AddIcpServices();
        _icp = await builder.StartAsync(app =>
        {
            app.UseGrowthKitApi();
            app.MapDefaultEndpoints();
            app.MapIcpApi();
        });
    }

    public async Task StopIcpAsync()
    {
        if (_icp is null) return;
        await _icp.StopAndDisposeAsync();
        _icp = null;
    }

    public HttpClient Refinement(Guid tenant, string actor = "alice") => ClientFor(_refinement!, "refinement", tenant, actor);

    public HttpClient Icp(Guid tenant, string actor = "alice") => ClientFor(_icp!, "icp", tenant, actor);

    /// <summary>A client with a token for <paramref name="service"/> (the audience each service checks).</summary>
    private static HttpClient ClientFor(WebApplication app, string service, Guid tenant, string actor)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            InternalToken.Create(ServiceHost.TokenKey, service, tenant, actor, Guid.NewGuid(), DateTimeOffset.UtcNow));
        return client;
    }

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
        var known = _refinement!.Services.GetRequiredService<KnownLeads>();
        await Eventually.Until(async () => (await known.FindAsync(tenant, [], [last], default)).ByExternalId.ContainsKey(last),
            found => found, $"refinement to know lead {last}");
    }

    public static Guid LeadId(Guid tenant, string externalId) => Model.DeterministicId.For(tenant.ToString(), externalId);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_icp is not null) await _icp.StopAndDisposeAsync();
        if (_refinement is not null) await _refinement.StopAndDisposeAsync();
        _gate.Dispose();
    }
}
