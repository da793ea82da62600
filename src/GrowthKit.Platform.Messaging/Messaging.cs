using GrowthKit.Platform.Messaging.Resilience;
using GrowthKit.Platform.Persistence.Resilience;
using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace GrowthKit.Platform.Messaging;

public static class Messaging
{
    public const string ConnectionName = "messaging";

    /// <summary>
    /// Optional: every node of a RabbitMQ cluster as <c>host:port</c>, comma-separated. The client
    /// connects to the first that answers and fails over to the next when its node dies. Unset, the
    /// connection string's host is the one node (or a load balancer in front of the cluster).
    /// </summary>
    public const string ClusterNodesKey = "GrowthKit:Messaging:ClusterNodes";

    /// <summary>
    /// MassTransit over RabbitMQ with durable queues and publisher confirms. Call before
    /// <see cref="EventStore.AddGrowthKitMarten"/> so the bus outlives the relay at shutdown.
    /// </summary>
    public static IHostApplicationBuilder AddGrowthKitMessaging(this IHostApplicationBuilder builder,
        string serviceName, Action<IBusRegistrationConfigurator>? configure = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
                               ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not configured.");
        var uri = new Uri(connectionString);
        // amqp://user:password@host:port/vhost — the platform's application user lives on its own vhost.
        var virtualHost = uri.AbsolutePath.Trim('/') is { Length: > 0 } path ? Uri.UnescapeDataString(path) : "/";

        var quorum = QuorumQueues.FromConfiguration(builder.Configuration);
        var clusterNodes = ClusterNodes(builder.Configuration);

        builder.Services.AddMassTransit(bus =>
        {
            // The prefix keeps each service's queues its own: two services consuming the same
            // message must not become competing consumers of one queue.
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, false));
            configure?.Invoke(bus);
            bus.AddConfigureEndpointsCallback((context, queue, endpoint) =>
            {
                // Durable queues become quorum queues; one left classic by an earlier version is
                // converted first, as the bus would fail to declare it (see QuorumQueueUpgrade).
                // A host that builds the bus but never starts it (a db-apply run, a test reading a store's
                // configuration) has no broker to convert queues on: GrowthKit:Messaging:ConvertClassicQueues=false.
                if (quorum.Apply(queue, endpoint) && ConvertsClassicQueues(context.GetRequiredService<IConfiguration>()))
                    UpgradeClassicQueues(context.GetRequiredService<IConfiguration>(), quorum, queue,
                        context.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(QuorumQueueUpgrade)));
                UseRetryPolicy(endpoint, context.GetRequiredService<OutageGate>());
            });
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(uri.Host, (ushort)uri.Port, virtualHost, h =>
                {
                    var userInfo = uri.UserInfo.Split(':', 2);
                    h.Username(Uri.UnescapeDataString(userInfo[0]));
                    h.Password(userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "");
                    h.PublisherConfirmation = true;
                    if (clusterNodes.Count > 0)
                        h.UseCluster(cluster => clusterNodes.ForEach(node => cluster.Node(node)));
                });
                rabbit.SendTopology.ConfigureErrorSettings = QuorumQueues.StripFromErrorQueue;
                rabbit.SendTopology.ConfigureDeadLetterSettings = QuorumQueues.StripFromErrorQueue;
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddSingleton<OutageGate>();
        builder.Services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<OutageGate>());
        builder.Services.AddSingleton<DeadLetters>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeadLetters>());
        builder.Services.AddHealthChecks()
            .AddCheck<OutageGate>("consuming")
            .AddCheck<DeadLetters>("dead-letters");

        // With the broker down StartAsync would return at once and Publish hang: fail start-up instead.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(20);
        });
        return builder;
    }

    private static List<string> ClusterNodes(IConfiguration configuration) =>
        (configuration[ClusterNodesKey] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>A plain AMQP connection to the service's broker (or the first cluster node that answers).</summary>
    public static async Task<IConnection> ConnectAsync(IConfiguration configuration, string clientName, CancellationToken ct)
    {
        var uri = new Uri(configuration.GetConnectionString(ConnectionName)
                          ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not configured."));
        var factory = new ConnectionFactory { Uri = uri, ClientProvidedName = clientName };
        var nodes = ClusterNodes(configuration);
        if (nodes.Count == 0) return await factory.CreateConnectionAsync(ct);
        var endpoints = nodes.Select(node => node.Split(':', 2) is [var host, var port]
            ? new AmqpTcpEndpoint(host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture))
            : new AmqpTcpEndpoint(node));
        return await factory.CreateConnectionAsync(endpoints, ct);
    }

    public const string ConvertClassicQueuesKey = "GrowthKit:Messaging:ConvertClassicQueues";

    /// <summary>Whether classic queues of an earlier version are converted as the bus is configured (default: yes).</summary>
    public static bool ConvertsClassicQueues(IConfiguration configuration) =>
        !string.Equals(configuration[ConvertClassicQueuesKey], "false", StringComparison.OrdinalIgnoreCase)
        && !SchemaMigrations.IsApplyCommand(Environment.GetCommandLineArgs());

    /// <summary>
    /// Runs while the bus is configured, before it declares anything: blocking here is what keeps the
    /// bus from declaring a queue that is still classic. Fails start-up when a queue cannot be converted.
    /// </summary>
    private static void UpgradeClassicQueues(IConfiguration configuration, QuorumQueues quorum, string queue, ILogger logger)
    {
        Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            // The broker may still be setting up the application user's vhost and permissions when a
            // service starts (MassTransit retries its own connection for the same reason), and a step
            // can stall (a channel that never opens): each attempt has 20 s, and every step is
            // idempotent, so the whole conversion is tried again until the deadline.
            for (var delay = TimeSpan.FromMilliseconds(250); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks)))
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                attempt.CancelAfter(TimeSpan.FromSeconds(20));
                try
                {
                    await using var connection = await ConnectAsync(configuration, "growthkit-quorum-upgrade", attempt.Token);
                    var upgrade = new QuorumQueueUpgrade(connection, logger);
                    await upgrade.UpgradeAsync(queue, quorum.ConsumerQueueArguments(queue), attempt.Token);
                    await upgrade.UpgradeAsync(queue + DeadLetters.ErrorSuffix, quorum.ErrorQueueArguments(), attempt.Token);
                    await upgrade.UpgradeAsync(queue + "_skipped", quorum.ErrorQueueArguments(), attempt.Token);
                    return;
                }
                // Whatever the broker does to a step (unreachable, refused, a channel closed under it, a
                // stall): the conversion is idempotent, so it is tried again from the start until the
                // deadline. A refusal of the conversion itself (InvalidOperationException: the previous
                // version still consumes the queue) ends the start at once; a closed channel, which is one
                // too, is the broker's doing.
                catch (Exception e) when ((e is not InvalidOperationException or System.Threading.Channels.ChannelClosedException)
                                          && !cts.IsCancellationRequested)
                {
                    logger.LogInformation("RabbitMQ refused or stalled a step of the quorum queue check ({Reason}); trying again", e.Message);
                    await Task.Delay(delay, cts.Token);
                }
            }
        }).GetAwaiter().GetResult();
    }

    /// <summary>
    /// The one retry policy of every consumer. A failure that may pass (a lost race, a bug in a
    /// dependency's answer) is retried in memory with exponential backoff, about 20 s in all; an
    /// outage is not retried here — its message goes back to the queue and the <see cref="OutageGate"/>
    /// pauses the endpoints until PostgreSQL answers. What still fails is published as a fault and
    /// moved to <c>_error</c>, where <see cref="DeadLetters"/> counts it and can re-drive it.
    /// </summary>
    public static void UseRetryPolicy(IReceiveEndpointConfigurator endpoint, OutageGate gate)
    {
        endpoint.UseMessageRetry(r =>
        {
            r.Ignore<Exception>(Failures.IsOutage);
            r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(600));
        });
        endpoint.ConfigureError(error =>
        {
            error.UseFilter(new HoldDuringOutageFilter(gate));
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
        });
    }
}
