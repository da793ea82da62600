using System.Collections.Concurrent;
using System.Diagnostics;
using GrowthKit.Platform.Messaging;
using GrowthKit.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GrowthKit.Chaos.Tests.Quorum;

public sealed record QuorumProbe(int Sequence);

/// <summary>Every delivery by message id: a redelivery after the fail-over is counted, not handled twice.</summary>
public sealed class Deliveries
{
    public ConcurrentDictionary<Guid, int> ById { get; } = new();
}

public sealed class QuorumProbeConsumer(Deliveries deliveries) : IConsumer<QuorumProbe>
{
    public Task Consume(ConsumeContext<QuorumProbe> context)
    {
        deliveries.ById.AddOrUpdate(context.MessageId!.Value, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class BrokerClusterCollection
{
    public const string Name = "A three-node RabbitMQ cluster";
}

/// <summary>
/// A three-node RabbitMQ cluster loses one broker (kill -9 of the quorum queue's leader, which is also
/// the node the service is connected to) in the middle of a stream published with confirms: the bus
/// is configured exactly as every service's (<see cref="Messaging.AddGrowthKitMessaging"/>, three
/// replicas, the cluster's nodes for fail-over), and every message sent is consumed.
/// </summary>
[Collection(BrokerClusterCollection.Name)]
[Trait("Category", "Slow")]
public sealed class QuorumClusterTests(ITestOutputHelper output)
{
    private const int Messages = 3000;
    private const int KillAfter = 1000;
    private const int Publishers = 16;

    [Fact]
    public async Task A_quorum_queue_on_three_brokers_loses_no_message_when_its_leader_is_killed_mid_stream()
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        await using var cluster = await RabbitMqCluster.StartAsync(ct);
        output.WriteLine($"cluster of 3 nodes ready in {clock.Elapsed.TotalSeconds:F1} s (AMQP {cluster.Nodes})");

        var service = "quorum-" + Guid.NewGuid().ToString("N")[..8];
        var queue = new KebabCaseEndpointNameFormatter(service, false).Consumer<QuorumProbeConsumer>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = cluster.ConnectionString,
            [Messaging.ClusterNodesKey] = cluster.Nodes,
            [QuorumQueues.ReplicasKey] = "3",
        });
        builder.Logging.ClearProviders();
        // Warnings are kept, not printed: the publishes cut off by the kill are logged by MassTransit, one
        // line each (the test counts them). The first ones go to the test's output, which is how a run that
        // cannot publish at all says why.
        var warnings = new WarningLog();
        builder.Logging.AddProvider(warnings).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<Deliveries>();
        builder.AddGrowthKitMessaging(service, bus => bus.AddConsumer<QuorumProbeConsumer>());
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var (leader, members) = await LeaderAsync(cluster, queue);
            Assert.Equal(3, members);
            output.WriteLine($"queue {queue}: quorum, 3 members, leader rabbit{leader}@localhost");

            var bus = host.Services.GetRequiredService<IBus>();
            var deliveries = host.Services.GetRequiredService<Deliveries>();

            var warmUp = NewId.NextGuid();
            // One publish confirmed (and consumed, then forgotten) before the stream: a bus that cannot publish at all fails here within a
            // minute, with MassTransit's warnings, instead of at the test's limit.
            using (var first = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                first.CancelAfter(TimeSpan.FromSeconds(60));
                try
                {
                    await bus.Publish(new QuorumProbe(-1), context => context.MessageId = warmUp, first.Token);
                    while (!deliveries.ById.ContainsKey(warmUp)) await Task.Delay(50, first.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    Assert.Fail($"no publish confirmed and consumed within 60 s of the bus's start. MassTransit said:\n{warnings.First(40)}");
                }
            }
            deliveries.ById.TryRemove(warmUp, out _);
            output.WriteLine($"first publish confirmed and consumed at {clock.Elapsed.TotalSeconds:F1} s");
            var sent = Enumerable.Range(0, Messages).Select(_ => NewId.NextGuid()).ToArray();
            var streamClock = Stopwatch.StartNew();
            var next = -1;
            var confirmed = 0;
            var publishRetries = 0;
            var killed = 0;
            var killedAt = TimeSpan.Zero;

            // Each message is published until the broker confirmed it, always with its own id: a
            // publish cut off by the dying broker is sent again, and a copy that did arrive counts as
            // a duplicate at the consumer.
            await Task.WhenAll(Enumerable.Range(0, Publishers).Select(_ => Task.Run(async () =>
            {
                for (var i = Interlocked.Increment(ref next); i < Messages; i = Interlocked.Increment(ref next))
                {
                    while (true)
                    {
                        ct.ThrowIfCancellationRequested();
                        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        attempt.CancelAfter(TimeSpan.FromSeconds(15));
                        try
                        {
                            var id = sent[i];
                            await bus.Publish(new QuorumProbe(i), context => context.MessageId = id, attempt.Token);
                            break;
                        }
                        catch (Exception) when (!ct.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref publishRetries);
                            await Task.Delay(250, ct);
                        }
                    }
                    if (Interlocked.Increment(ref confirmed) == KillAfter && Interlocked.Exchange(ref killed, 1) == 0)
                    {
                        killedAt = streamClock.Elapsed;
                        cluster.Kill(leader);
                    }
                }
            }, ct)));
            var published = streamClock.Elapsed;
            Assert.Equal(1, killed);

            while (!sent.All(deliveries.ById.ContainsKey) && !ct.IsCancellationRequested)
                await Task.Delay(200, CancellationToken.None);
            var consumed = streamClock.Elapsed;

            var distinct = deliveries.ById.Count;
            var duplicates = deliveries.ById.Values.Sum(n => n - 1);
            output.WriteLine($"sent {Messages} (confirmed; {publishRetries} publish attempts repeated), killed rabbit{leader} after {KillAfter} at {killedAt.TotalSeconds:F1} s, " +
                             $"all confirmed at {published.TotalSeconds:F1} s, all consumed at {consumed.TotalSeconds:F1} s");
            output.WriteLine($"received {distinct} distinct messages, {duplicates} duplicates; test ran {clock.Elapsed.TotalSeconds:F1} s so far");
            output.WriteLine($"{warnings.Count} warnings logged; the first ones:\n{warnings.First(3)}");
            Assert.Equal(sent.Order(), deliveries.ById.Keys.Order());
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await host.StopAsync(stop.Token); }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>Keeps what the host logs at Warning and above, for the test's output.</summary>
    private sealed class WarningLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public int Count => _lines.Count;

        public string First(int n) => string.Join('\n', _lines.Take(n));

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel)) return;
                var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}" +
                           (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})");
                lines.Enqueue(line.Split('\n', 2)[0] is var first && first.Length > 400 ? first[..400] + "…" : first);
            }
        }
    }

    private static async Task<(int Leader, int Members)> LeaderAsync(RabbitMqCluster cluster, string queue)
    {
        var listing = await cluster.CtlAsync(1, "list_queues", "name", "type", "leader", "members", "--no-table-headers");
        var line = listing.Split('\n').Single(l => l.StartsWith(queue + "\t", StringComparison.Ordinal));
        var fields = line.Split('\t');
        Assert.Equal("quorum", fields[1]);
        var leader = int.Parse(fields[2].Replace("rabbit", "").Replace("@localhost", ""));
        var members = fields[3].Split(',').Count(m => m.Contains("@localhost", StringComparison.Ordinal));
        return (leader, members);
    }
}
