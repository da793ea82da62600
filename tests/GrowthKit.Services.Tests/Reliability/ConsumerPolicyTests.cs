using System.Collections.Concurrent;
using GrowthKit.Platform.Messaging;
using GrowthKit.Platform.Messaging.Resilience;
using GrowthKit.Platform.Persistence.Resilience;
using GrowthKit.ServiceDefaults;
using GrowthKit.Services.Tests.Infrastructure;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GrowthKit.Services.Tests.Reliability;

public sealed record ReliabilityProbe(Guid Id, string Mode, int Failures);

/// <summary>Fails as its probe says: "bug" while <see cref="BugFixed"/> is false, "outage" the first N times.</summary>
public sealed class ProbeConsumer : IConsumer<ReliabilityProbe>
{
    public static readonly ConcurrentDictionary<Guid, int> Attempts = new();
    public static readonly ConcurrentDictionary<Guid, bool> Consumed = new();
    public static readonly ConcurrentDictionary<Guid, int> InMemoryRetries = new();
    public static volatile bool BugFixed;

    public Task Consume(ConsumeContext<ReliabilityProbe> context)
    {
        var probe = context.Message;
        var attempt = Attempts.AddOrUpdate(probe.Id, 1, (_, n) => n + 1);
        if (context.GetRetryAttempt() > 0) InMemoryRetries.AddOrUpdate(probe.Id, 1, (_, n) => n + 1);
        if (probe.Mode == "bug" && !BugFixed) throw new InvalidOperationException("a bug, not an outage");
        if (probe.Mode == "outage" && attempt <= probe.Failures) throw new TimeoutException("the database does not answer");
        Consumed[probe.Id] = true;
        return Task.CompletedTask;
    }
}

/// <summary>
/// The consumer policy of every service (<see cref="Messaging.UseRetryPolicy"/>) on a real broker: a
/// bug is retried in memory and then dead-lettered, counted, reported Degraded and re-driven by one
/// call; an outage is not retried in memory and never dead-lettered — the message goes back to its
/// queue, the endpoint pauses until the database answers, and then the message is handled.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ConsumerPolicyTests(TestServers servers) : IAsyncLifetime
{
    private WebApplication? _app;
    private IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        var database = await servers.CreateDatabaseAsync("reliability");
        var builder = ServiceHost.CreateBuilder(servers, database);
        builder.AddGrowthKitMessaging("policy-" + Guid.NewGuid().ToString("N")[..8], bus => bus.AddConsumer<ProbeConsumer>());
        _app = await builder.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.StopAndDisposeAsync();
    }

    private Task PublishAsync(ReliabilityProbe probe) => Services.GetRequiredService<IBus>().Publish(probe);

    private async Task<long> DeadLettersAsync() =>
        (await Services.GetRequiredService<DeadLetters>().CountAsync(CancellationToken.None)).Sum(q => (long)q.Messages);

    [Fact]
    public async Task A_bug_is_retried_then_dead_lettered_counted_and_redriven_once_fixed()
    {
        ProbeConsumer.BugFixed = false;
        var probe = new ReliabilityProbe(Guid.NewGuid(), "bug", 0);
        await PublishAsync(probe);

        await Eventually.Until(async () => await DeadLettersAsync(), n => n == 1, "the message in _error", TimeSpan.FromMinutes(2));
        Assert.Equal(6, ProbeConsumer.Attempts[probe.Id]); // the first try and five retries
        Assert.Equal(5, ProbeConsumer.InMemoryRetries[probe.Id]);
        var health = await Services.GetRequiredService<DeadLetters>().CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, health.Status);

        ProbeConsumer.BugFixed = true;
        Assert.Equal(1, await Services.GetRequiredService<DeadLetters>().RedriveAsync(CancellationToken.None));
        await Eventually.Until(() => ProbeConsumer.Consumed.ContainsKey(probe.Id), "the re-driven message handled", TimeSpan.FromMinutes(1));
        Assert.Equal(0, await DeadLettersAsync());
        Assert.Equal(HealthStatus.Healthy, (await Services.GetRequiredService<DeadLetters>().CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Fact]
    public async Task An_outage_pauses_the_endpoint_and_the_message_waits_in_its_queue_instead_of_the_error_queue()
    {
        var gate = Services.GetRequiredService<OutageGate>();
        var closuresBefore = gate.Closures;
        var probe = new ReliabilityProbe(Guid.NewGuid(), "outage", 3);
        await PublishAsync(probe);

        await Eventually.Until(() => ProbeConsumer.Consumed.ContainsKey(probe.Id), "the message handled after the outage", TimeSpan.FromMinutes(1));
        Assert.True(gate.Closures > closuresBefore, "the gate never closed");
        Assert.Equal(4, ProbeConsumer.Attempts[probe.Id]);
        Assert.False(ProbeConsumer.InMemoryRetries.ContainsKey(probe.Id), "an outage was retried in memory, holding a consumer slot");
        Assert.Equal(0, await DeadLettersAsync());
        Assert.False(gate.IsClosed);
    }
}
