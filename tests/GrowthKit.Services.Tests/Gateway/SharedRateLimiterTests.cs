using System.Net;
using System.Text;
using System.Threading.RateLimiting;
using GrowthKit.Gateway.Authentication;
using GrowthKit.Gateway.RateLimiting;
using GrowthKit.Gateway.Tenants;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using GrowthKit.Services.Tests.Infrastructure;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrowthKit.Services.Tests.Gateway;

/// <summary>
/// The gateway's rate limit against a real PostgreSQL: replicas (each its own store and limiter)
/// draw on one budget, batches cost by their items, and requests without a tenant's valid key —
/// unauthenticated, wrong key, admin — are charged to their client address.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SharedRateLimiterTests(TestServers servers) : IAsyncLifetime
{
    private string _database = "";
    private readonly List<IDocumentStore> _stores = [];

    public async Task InitializeAsync() => _database = await servers.CreateDatabaseAsync("ratelimit");

    public Task DisposeAsync()
    {
        foreach (var store in _stores) store.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>One gateway replica: its own store (connection pool) and limiter over the shared database.</summary>
    private async Task<(SharedRateLimiter Limiter, ServiceProvider Services)> ReplicaAsync(RateLimitSettings settings)
    {
        var store = DocumentStore.For(o =>
        {
            o.Connection(_database);
            o.DatabaseSchemaName = SharedTokenBucket.Schema;
            o.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
            o.Schema.For<Tenant>().SingleTenanted();
            o.Schema.For<ApiKey>().SingleTenanted().Index(k => k.KeyId);
            // As the gateway registers it: a schema object of the store, created by its migration.
            o.Storage.ExtendedSchemaObjects.Add(new HandWrittenSchemaObject(SharedTokenBucket.TableName, SharedTokenBucket.Ddl));
        });
        _stores.Add(store);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var buckets = new SharedTokenBucket(store, TimeProvider.System);

        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IDocumentStore>(store)
            .AddSingleton(TimeProvider.System);
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        return (new SharedRateLimiter(buckets, settings, NullLogger<SharedRateLimiter>.Instance), services.BuildServiceProvider());
    }

    private static RateLimitSettings Settings(double perSecond, double burst, int itemsPerPermit = 100) =>
        new(new BucketShape(perSecond, burst), new BucketShape(perSecond, burst), itemsPerPermit);

    private static DefaultHttpContext Request(IServiceProvider services, string method, string path, string address,
        string? bearer = null, string? body = null)
    {
        // One scope per request, as ASP.NET Core gives it: authentication handlers live as long as their request.
        var context = new DefaultHttpContext { RequestServices = services.CreateScope().ServiceProvider };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (bearer is not null) context.Request.Headers.Authorization = "Bearer " + bearer;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = "application/json";
        }
        return context;
    }

    [Fact]
    public async Task Two_replicas_share_one_budget()
    {
        // A slow refill (one token in 100 s) makes the budget exactly the burst for the test's length.
        var settings = Settings(perSecond: 0.01, burst: 10);
        var (a, servicesA) = await ReplicaAsync(settings);
        var (b, servicesB) = await ReplicaAsync(settings);
        var address = "10.1.0." + Random.Shared.Next(1, 250);

        var granted = 0;
        for (var i = 0; i < 12; i++)
        {
            var (limiter, services) = i % 2 == 0 ? (a, servicesA) : (b, servicesB);
            using var lease = await limiter.AcquireAsync(Request(services, "GET", "/openapi/icp.json", address));
            if (lease.IsAcquired) granted++;
        }

        Assert.Equal(10, granted);
        using var refused = await b.AcquireAsync(Request(servicesB, "GET", "/admin/tenants", address));
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter.TotalSeconds, 50, 101);
    }

    [Fact]
    public async Task Concurrent_takes_from_two_replicas_never_grant_more_than_the_budget()
    {
        var settings = Settings(perSecond: 0.01, burst: 40);
        var (a, servicesA) = await ReplicaAsync(settings);
        var (b, servicesB) = await ReplicaAsync(settings);
        var address = "10.2.0." + Random.Shared.Next(1, 250);

        var leases = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            var (limiter, services) = i % 2 == 0 ? (a, servicesA) : (b, servicesB);
            using var lease = await limiter.AcquireAsync(Request(services, "GET", "/admin/tenants", address));
            return lease.IsAcquired;
        }));

        Assert.Equal(40, leases.Count(granted => granted));
    }

    [Fact]
    public async Task A_batch_costs_one_plus_its_items_per_permit_and_its_body_is_left_for_the_service()
    {
        var (limiter, services) = await ReplicaAsync(Settings(perSecond: 0.01, burst: 10, itemsPerPermit: 100));
        var leads = string.Join(",", Enumerable.Range(0, 250).Select(i => $$"""{"externalId": "x-{{i}}"}"""));
        var body = $$"""{"leads": [{{leads}}]}""";
        var context = Request(services, "POST", "/api/leads/batch", "10.3.0.1", body: body);

        Assert.Equal(4, await SharedRateLimiter.CostAsync(context.Request, 100, CancellationToken.None));
        Assert.Equal(body, await new StreamReader(context.Request.Body).ReadToEndAsync());
        Assert.Equal(1, await SharedRateLimiter.CostAsync(Request(services, "POST", "/api/leads", "10.3.0.1", body: "{}").Request, 100, CancellationToken.None));
        Assert.Equal(1, await SharedRateLimiter.CostAsync(Request(services, "POST", "/api/leads/batch", "10.3.0.1", body: "{\"leads\": [").Request, 100, CancellationToken.None));

        // Two such batches and a request fit in a budget of 10 (4 + 4 + 1); a third batch does not.
        var address = "10.3.0." + Random.Shared.Next(2, 250);
        Assert.True((await limiter.AcquireAsync(Request(services, "POST", "/api/leads/batch", address, body: body))).IsAcquired);
        Assert.True((await limiter.AcquireAsync(Request(services, "POST", "/api/leads/batch", address, body: body))).IsAcquired);
        Assert.True((await limiter.AcquireAsync(Request(services, "GET", "/api/leads", address))).IsAcquired);
        Assert.False((await limiter.AcquireAsync(Request(services, "POST", "/api/leads/batch", address, body: body))).IsAcquired);
        Assert.True((await limiter.AcquireAsync(Request(services, "GET", "/api/leads", address))).IsAcquired);
    }

    [Fact]
    public async Task Requests_without_a_valid_tenant_key_are_charged_to_their_address_and_a_tenant_to_itself()
    {
        var (limiter, services) = await ReplicaAsync(Settings(perSecond: 0.01, burst: 3));
        var store = services.GetRequiredService<IDocumentStore>();
        var tenantId = Guid.NewGuid();
        var (key, secret) = ApiKey.Issue(tenantId, "ci", DateTimeOffset.UtcNow);
        await using (var session = store.LightweightSession())
        {
            session.Store(new Tenant { Id = tenantId, Name = "t", CreatedAt = DateTimeOffset.UtcNow });
            session.Insert(key);
            await session.SaveChangesAsync();
        }

        var charge = await limiter.ChargeAsync(Request(services, "GET", "/api/leads", "10.4.0.1", bearer: secret), CancellationToken.None);
        Assert.Equal("tenant:" + tenantId, charge.Partition);
        Assert.Equal("address:10.4.0.1",
            (await limiter.ChargeAsync(Request(services, "GET", "/api/leads", "10.4.0.1", bearer: "gk_wrong"), CancellationToken.None)).Partition);
        Assert.Equal("address:10.4.0.1",
            (await limiter.ChargeAsync(Request(services, "GET", "/api/leads", "10.4.0.1"), CancellationToken.None)).Partition);
        Assert.Equal("address:10.4.0.1",
            (await limiter.ChargeAsync(Request(services, "POST", "/admin/tenants", "::ffff:10.4.0.1", bearer: "the-admin-key"), CancellationToken.None)).Partition);

        // Unauthenticated and admin requests from one address drain one bucket; the tenant's is its own.
        var address = "10.4.1." + Random.Shared.Next(1, 250);
        Assert.True((await limiter.AcquireAsync(Request(services, "GET", "/api/leads", address, bearer: "gk_wrong"))).IsAcquired);
        Assert.True((await limiter.AcquireAsync(Request(services, "GET", "/admin/tenants", address, bearer: "admin"))).IsAcquired);
        Assert.True((await limiter.AcquireAsync(Request(services, "GET", "/openapi/icp.json", address))).IsAcquired);
        Assert.False((await limiter.AcquireAsync(Request(services, "GET", "/admin/tenants", address, bearer: "admin"))).IsAcquired);
        Assert.True((await limiter.AcquireAsync(Request(services, "GET", "/api/leads", address, bearer: secret))).IsAcquired);
        // Health probes are free.
        Assert.True((await limiter.AcquireAsync(Request(services, "GET", "/health", address))).IsAcquired);
    }

    [Fact]
    public async Task An_emptied_bucket_refills_at_its_rate()
    {
        var (limiter, services) = await ReplicaAsync(Settings(perSecond: 5, burst: 2));
        var address = "10.5.0." + Random.Shared.Next(1, 250);
        Assert.True((await limiter.AcquireAsync(Request(services, "GET", "/admin/tenants", address))).IsAcquired);
        Assert.True((await limiter.AcquireAsync(Request(services, "GET", "/admin/tenants", address))).IsAcquired);
        using var refused = await limiter.AcquireAsync(Request(services, "GET", "/admin/tenants", address));
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter.TotalSeconds, 0.01, 0.21);

        await Task.Delay(TimeSpan.FromMilliseconds(450));
        Assert.True((await limiter.AcquireAsync(Request(services, "GET", "/admin/tenants", address))).IsAcquired);
    }
}
