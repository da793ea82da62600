using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using GrowthKit.Bench.Telemetry;
using GrowthKit.Testing;
using Microsoft.Extensions.Logging;

namespace GrowthKit.Bench;

/// <summary>
/// The whole system started as the end-to-end tests start it (the AppHost through
/// <c>Aspire.Hosting.Testing</c>), but with durable storage like <c>./run.sh</c>, the Production
/// environment and every service exporting its spans to this process.
/// </summary>
/// <summary>A tenant's id, the id the bench gives its key in internal tokens, and the API key itself.</summary>
public sealed record TenantKey(Guid TenantId, Guid KeyId, string ApiKey);

public sealed class GrowthKitSystem : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The per-tenant rate limit is a deployment setting (default 100 requests/s); the benchmark
    /// measures the pipeline, not the limiter, so it raises it for its own run.
    /// </summary>
    private const string BenchRateLimit = "100000";

    private readonly string _adminKey = "bench-admin-" + Guid.NewGuid().ToString("N");
    private DistributedApplication? _app;

    public required string DataDir { get; init; }
    public OtlpReceiver? Traces { get; private set; }
    public Gateway Admin { get; private set; } = null!;
    public string MessagingConnectionString { get; private set; } = "";
    public string DatabaseConnectionString { get; private set; } = "";
    public TimeSpan StartedIn { get; private set; }

    public static async Task<GrowthKitSystem> StartAsync(BenchOptions options)
    {
        // The postgres user must reach it (not under /root): /tmp/growthkit-bench by default.
        Directory.CreateDirectory(options.DataDir);
        var system = new GrowthKitSystem { DataDir = options.DataDir };
        try
        {
            await system.StartAppAsync(options);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    private async Task StartAppAsync(BenchOptions options)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (options.Traces)
        {
            Traces = new OtlpReceiver();
            await Traces.StartAsync();
        }

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GrowthKit_AppHost>(
            [
                $"--GrowthKit:DataDir={DataDir}",
                $"--GrowthKit:DurableStorage={(options.Durable ? "true" : "false")}",
                $"--Parameters:admin-key={_adminKey}",
                "--DcpPublisher:WaitForResourceCleanup=true",
                "--environment=Production",
            ],
            (o, _) => o.DisableDashboard = true);

        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting", LogLevel.Error)
            // The servers write their routine log to stderr, which Aspire reports as errors.
            .AddFilter("GrowthKit.AppHost.Resources.postgres", LogLevel.None)
            .AddFilter("GrowthKit.AppHost.Resources.rabbitmq", LogLevel.None)
            .AddFilter("GrowthKit.AppHost.Resources", LogLevel.Error));

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            var resource = builder.CreateResourceBuilder(project)
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
                .WithEnvironment("DOTNET_ENVIRONMENT", "Production");
            if (Traces is not null)
            {
                // Like ./run.sh exporting to the dashboard: every span, sampled as the services
                // configure it; a large queue so a burst of spans is not dropped.
                resource
                    .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", Traces.Endpoint)
                    .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                    .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "1000")
                    .WithEnvironment("OTEL_BSP_MAX_QUEUE_SIZE", "200000")
                    .WithEnvironment("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096");
            }
            if (project.Name == "gateway")
            {
                resource.WithEnvironment("GrowthKit__RateLimit__RequestsPerSecond", BenchRateLimit);
            }
        }

        _app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(StartTimeout);
        try
        {
            await _app.StartAsync(cts.Token);
            await _app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new BenchFailure("start", $"the gateway was not healthy after {StartTimeout.TotalMinutes} minutes (data: {DataDir})");
        }

        MessagingConnectionString = await _app.GetConnectionStringAsync("messaging")
                                    ?? throw new BenchFailure("start", "no connection string 'messaging'");
        DatabaseConnectionString = await _app.GetConnectionStringAsync("growthkit")
                                   ?? throw new BenchFailure("start", "no connection string 'growthkit'");
        Admin = new Gateway(Client(_adminKey));
        StartedIn = clock.Elapsed;
    }

    /// <summary>A new tenant; the answer carries its API key (shown only here).</summary>
    public async Task<Gateway> CreateTenantAsync(string name) => (await CreateTenantWithKeyAsync(name)).Api;

    /// <summary>A new tenant, its id and key beside the client.</summary>
    public async Task<(Gateway Api, TenantKey Key)> CreateTenantWithKeyAsync(string name)
    {
        const string step = "create tenant";
        var answer = Gateway.Expect(
            await Admin.PostJsonAsync(step, "/admin/tenants", new JsonObject { ["name"] = name }),
            step, "POST /admin/tenants", HttpStatusCode.Created);
        var apiKey = answer.Body?["apiKey"]?.GetValue<string>()
                     ?? throw new BenchFailure(step, $"no apiKey in {Gateway.Shorten(answer.Text)}");
        var tenantId = answer.Body.At("tenantId").AsGuid() ?? throw new BenchFailure(step, $"no tenantId in {Gateway.Shorten(answer.Text)}");
        return (new Gateway(Client(apiKey)), new TenantKey(tenantId, Guid.NewGuid(), apiKey));
    }

    /// <summary>
    /// The address of a resource's http endpoint: the public one (behind DCP's proxy when the endpoint is
    /// proxied) or the port the process itself listens on.
    /// </summary>
    public Uri EndpointUri(string resource, bool targetPort)
    {
        var model = _app!.Services.GetRequiredService<DistributedApplicationModel>();
        var project = model.Resources.OfType<ProjectResource>().Single(r => r.Name == resource);
        var endpoint = project.GetEndpoint("http");
        return new Uri($"http://127.0.0.1:{(targetPort ? endpoint.TargetPort : endpoint.Port)}/");
    }

    public async Task<string> ParameterValueAsync(string name, CancellationToken ct)
    {
        var model = _app!.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(r => r.Name == name);
        return await parameter.GetValueAsync(ct) ?? throw new BenchFailure("start", $"parameter {name} has no value");
    }

    private HttpClient Client(string key)
    {
        var client = _app!.CreateHttpClient("gateway", "http");
        client.Timeout = TimeSpan.FromMinutes(2);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await _app.StopAsync(cts.Token);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"Stopping the app: {e.GetType().Name}: {e.Message}");
            }
            await _app.DisposeAsync();
        }
        if (Traces is not null) await Traces.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not delete {DataDir}: {e.Message}");
        }
    }
}
