using System.Diagnostics;
using Npgsql;
using Xunit.Abstractions;

namespace GrowthKit.Chaos.Tests;

/// <summary>The system with two instances of the gateway and of every service (GROWTHKIT_REPLICAS=2).</summary>
public sealed class ReplicatedSystem : IAsyncLifetime
{
    public const int Replicas = 2;

    public GrowthKitApp System { get; } = GrowthKitApp.WithReplicas(Replicas);

    public Task InitializeAsync() => System.InitializeAsync();

    public Task DisposeAsync() => System.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ReplicatedCollection : ICollectionFixture<ReplicatedSystem>
{
    public const string Name = "GrowthKit with replicas";
}

/// <summary>
/// Issue 14's replicas and rolling upgrade drill: with two instances of everything, each piece of work is
/// done once (the broker's queues shared, one relay per service at a time, each lead scored once), the
/// relay moves when the instance running it dies, and a restart of every instance in turn under a stream
/// of leads answers no 5xx and loses nothing.
/// </summary>
[Collection(ReplicatedCollection.Name)]
public sealed class ReplicaTests(ReplicatedSystem replicated, ITestOutputHelper output)
{
    private static readonly string[] Services = ["icp", "leads", "scoring", "refinement", "integrations", "gateway"];
    private readonly GrowthKitApp _system = replicated.System;
    // Short streams: two of everything is already thirteen processes on two shared cores.
    private readonly ChaosSettings _settings = ChaosSettings.FromEnvironment() with { LeadsPerScenario = 2_000 };

    [Fact]
    public async Task Instances_of_a_service_compete_on_one_queue_each()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        foreach (var service in Services)
        {
            Assert.Equal(ReplicatedSystem.Replicas, ResourceProcesses.Instances(_system.App, service).Count);
        }

        // MassTransit's per-instance response queues (…_bus_…) and the error/skipped queues aside, every queue
        // is a service's endpoint, named without an instance: each instance consumes from the same one.
        var consumers = await BrokerQueues.ConsumersAsync(_system.App, cts.Token);
        var endpoints = consumers
            .Where(q => !q.Key.Contains("_bus_", StringComparison.Ordinal)
                        && !q.Key.EndsWith("_error", StringComparison.Ordinal)
                        && !q.Key.EndsWith("_skipped", StringComparison.Ordinal))
            .ToDictionary();
        output.WriteLine(string.Join(Environment.NewLine, endpoints.Select(q => $"{q.Key}: {q.Value} consumers")));
        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, q => Assert.True(q.Value == ReplicatedSystem.Replicas,
            $"{q.Key} has {q.Value} consumers; each of the {ReplicatedSystem.Replicas} instances should consume from it"));
    }

    [Fact]
    public async Task Killing_the_scoring_instance_that_runs_the_relay_moves_it_and_scores_every_lead_once()
    {
        await using var database = await DatabaseAsync();
        var locks = new DaemonLocks(database, _system.App, "scoring");
        var scoring = ResourceProcesses.Instances(_system.App, "scoring");
        // Read while nothing streams: the relay's lock is then the only advisory lock scoring holds.
        long key;
        using (var quiet = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            key = Assert.Single(await locks.DaemonKeysAsync(quiet.Token));
        }

        await new ChaosScenario(_system, _settings, output).RunAsync("kill the scoring instance running the relay",
            TimeSpan.FromSeconds(30), publishAt: TimeSpan.FromSeconds(8),
            async (fault, ct) =>
            {
                // One instance holds the relay's lock, the other waits for it.
                await fault.AtAsync(TimeSpan.FromSeconds(10), ct);
                var holder = await locks.HolderAsync(key, ct);
                Assert.NotNull(holder);
                Assert.Contains(holder, scoring);
                var killed = ResourceProcesses.ProcessId(fault.App, holder);

                var clock = Stopwatch.StartNew();
                await ResourceProcesses.KillAsync(fault.App, holder, ct);
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
                bounded.CancelAfter(TimeSpan.FromSeconds(30));
                var next = await locks.WaitForNewHolderAsync(key, holder, bounded.Token);
                var failover = clock.Elapsed;
                fault.Note($"relay moved from {holder} to {next} {failover.TotalSeconds:F1} s after the SIGKILL");
                output.WriteLine($"daemon failover: {failover.TotalSeconds:F1} s");
                Assert.NotEqual(holder, next);
                // The lease poll is 2 s and a dead client's backend ends within 2 s (client_connection_check_interval).
                Assert.True(failover < TimeSpan.FromSeconds(15), $"the relay took {failover.TotalSeconds:F1} s to move");

                await ResourceProcesses.WaitForNewProcessAsync(fault.App, holder, killed, ct);
                await ResourceProcesses.WaitForHealthyAsync(fault.App, holder, ct);
            });
    }

    [Fact]
    public async Task Restarting_every_instance_in_turn_under_a_stream_answers_no_5xx_and_loses_nothing()
    {
        var restarts = Services.SelectMany(s => ResourceProcesses.Instances(_system.App, s)).ToList();
        var scenario = new ChaosScenario(_system, _settings, output);
        LeadStream? stream = null;
        var duration = TimeSpan.Zero;

        await scenario.RunAsync("rolling restart", TimeSpan.FromSeconds(20 + 12 * restarts.Count), publishAt: TimeSpan.FromSeconds(15),
            async (fault, ct) =>
            {
                stream = fault.Stream;
                await fault.AtAsync(TimeSpan.FromSeconds(5), ct);
                var clock = Stopwatch.StartNew();
                foreach (var instance in restarts)
                {
                    // An orderly stop (SIGTERM: the host drains), then a start, and on only once it is healthy.
                    await ResourceProcesses.StopAsync(fault.App, instance, ct);
                    await ResourceProcesses.StartAsync(fault.App, instance, ct);
                }
                duration = clock.Elapsed;
                fault.Note($"{restarts.Count} instances restarted one at a time in {duration.TotalSeconds:F0} s");
                output.WriteLine($"rolling restart: {restarts.Count} instances in {duration.TotalSeconds:F0} s");
            });

        // The scenario checked every accepted lead scored once; the clients must also never have seen the restarts.
        var failures = stream!.Answers.Where(a => a.Key.StartsWith('5') || a.Key is "timeout" or "refused").ToList();
        Assert.True(failures.Count == 0, "answers during the rolling restart: " + string.Join(", ", stream.Answers.Select(a => $"{a.Key}×{a.Value}")));
    }

    private async Task<NpgsqlDataSource> DatabaseAsync() =>
        NpgsqlDataSource.Create(await _system.App.GetConnectionStringAsync("growthkit")
                                ?? throw new InvalidOperationException("No connection string for the database."));
}
