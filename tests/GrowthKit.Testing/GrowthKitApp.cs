using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace GrowthKit.Testing;

/// <summary>
/// Starts the whole system once through the AppHost (real PostgreSQL and RabbitMQ: containers where
/// a runtime answers, local processes otherwise) and tears it down after the last test. Every test
/// creates its own tenant, which keeps its data apart without restarting anything.
/// </summary>
public sealed class GrowthKitApp : IAsyncLifetime
{
    private readonly int _replicas;
    private readonly TimeSpan _startTimeout;

    /// <summary>The folder of the test data (<c>GROWTHKIT_TEST_DATA_ROOT</c>), world-traversable for the postgres user.</summary>
    public static string DataRoot => Environment.GetEnvironmentVariable("GROWTHKIT_TEST_DATA_ROOT") ?? "/tmp/growthkit-tests";

    /// <summary>Where the system keeps its PostgreSQL cluster and broker: a new folder unless given (a restore drill starts on a prepared one). Deleted at the end.</summary>
    public string DataDir { get; init; } = Path.Combine(DataRoot, "e2e-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>More AppHost arguments (<c>--Parameters:…=…</c>), for a system that must share a secret with another.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>One instance of each service: the fixture xunit creates.</summary>
    public GrowthKitApp() : this(1)
    {
    }

    private GrowthKitApp(int replicas)
    {
        _replicas = replicas;
        // Every extra instance of the six scaled services is six more processes starting on the same cores.
        // GROWTHKIT_TEST_START_MINUTES stretches the limit on a machine shared with other work.
        var minutes = int.TryParse(Environment.GetEnvironmentVariable("GROWTHKIT_TEST_START_MINUTES"), out var m) && m > 0 ? m : 4;
        _startTimeout = TimeSpan.FromMinutes(minutes + 8 * (replicas - 1));
    }

    /// <summary>
    /// The system with <paramref name="replicas"/> instances of the gateway and of every service (GrowthKit:Replicas,
    /// as GROWTHKIT_REPLICAS gives ./run.sh); the web app stays one.
    /// </summary>
    public static GrowthKitApp WithReplicas(int replicas) => new(replicas);

    public int Replicas => _replicas;

    public string AdminKey { get; } = "admin-" + Guid.NewGuid().ToString("N");

    /// <summary>The Aspire dashboard's login link (with its browser token); it runs as under ./run.sh, never anonymous.</summary>
    public Uri DashboardLogin { get; private set; } = null!;
    public OtlpReceiver Traces { get; } = new();
    public DistributedApplication App { get; private set; } = null!;
    public HttpClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Traces.StartAsync();
        Directory.CreateDirectory(DataDir);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GrowthKit_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
            [
                $"--GrowthKit:DataDir={DataDir}",
                "--GrowthKit:DurableStorage=false",
                // The fake CRMs and webhook receivers of the tests listen on loopback.
                "--GrowthKit:AllowPrivateNetworks=true",
                $"--Parameters:admin-key={AdminKey}",
                .. Arguments,
                $"--GrowthKit:Replicas={_replicas}",
            ]);

        // Start-up probes fail by design until the servers are up; keep the test log readable.
        builder.Services.AddLogging(logging => logging
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("GrowthKit.AppHost.Resources", LogLevel.Warning));

        // Every service exports its spans to the receiver in this test host (OTLP over HTTP).
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", Traces.Endpoint)
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "200")
                .WithEnvironment("OTEL_TRACES_SAMPLER", "always_on");
        }

        App = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(_startTimeout);
        await App.StartAsync(cts.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", cts.Token);
        // With replicas the name stands for several instances (resource ids): wait for each of them.
        foreach (var gateway in ResourceProcesses.Instances(App, "gateway"))
        {
            await App.ResourceNotifications.WaitForResourceAsync("gateway",
                e => e.ResourceId == gateway && e.Snapshot.HealthStatus == HealthStatus.Healthy, cts.Token);
        }

        Gateway = App.CreateHttpClient("gateway", "http");
        DashboardLogin = await App.GetDashboardUrlAsync(cts.Token);
        Gateway.Timeout = TimeSpan.FromSeconds(60);
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await App.StopAsync(cts.Token);
            await App.DisposeAsync();
        }
        await Traces.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>A new tenant and a client that speaks to the gateway with its API key.</summary>
    public async Task<Tenant> CreateTenantAsync(string? name = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/tenants")
        {
            Content = JsonContent.Create(new { name = name ?? "tenant-" + Guid.NewGuid().ToString("N")[..8] }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await Gateway.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var apiKey = body["apiKey"]!.GetValue<string>();
        return new Tenant(Guid.Parse(body["tenantId"]!.GetValue<string>()), apiKey, ClientWithKey(apiKey));
    }

    public HttpClient ClientWithKey(string apiKey)
    {
        var client = App.CreateHttpClient("gateway", "http");
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public HttpClient AdminClient() => ClientWithKey(AdminKey);
}

public sealed record Tenant(Guid TenantId, string ApiKey, HttpClient Api);
