using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using GrowthKit.Platform.Persistence;
using GrowthKit.Platform.Persistence.Resilience;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GrowthKit.Platform.Messaging.Resilience;

/// <summary>
/// A kill switch for PostgreSQL outages. A message whose handling fails because the database does not
/// answer is not retried in memory (it would hold a consumer slot for nothing) and not moved to
/// <c>_error</c>: it goes back to its queue, and the gate stops every receive endpoint of the service
/// so that nothing more is taken from the broker. It then probes the database every couple of
/// seconds and starts the endpoints again once it answers. However long the outage, no message is
/// stranded; the queues simply grow, and drain when it ends. Hand-written on MassTransit's endpoint
/// Stop/Start (its own kill switch restarts on a timer and counts faults, it cannot wait for a probe).
/// </summary>
public sealed class OutageGate(IConfiguration configuration, ILogger<OutageGate> logger) : IReceiveEndpointObserver, IHealthCheck
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<Uri, IReceiveEndpoint> endpoints = new();
    private int closed;

    public bool IsClosed => Volatile.Read(ref closed) == 1;

    /// <summary>How many times the gate closed since start (tests and the health entry read it).</summary>
    public int Closures { get; private set; }

    public IEnumerable<Uri> Endpoints => endpoints.Keys;

    /// <summary>Closes the gate when <paramref name="exception"/> is an outage; true when it is.</summary>
    public bool Report(Exception exception)
    {
        if (!Failures.IsOutage(exception)) return false;
        if (Interlocked.CompareExchange(ref closed, 1, 0) == 0)
        {
            Closures++;
            logger.LogWarning(exception, "PostgreSQL does not answer; pausing {Count} receive endpoints until it does", endpoints.Count);
            _ = Task.Run(WaitForDatabaseAsync);
        }
        return true;
    }

    private async Task WaitForDatabaseAsync()
    {
        // Stopping waits for in-flight messages, which fail fast and go back to their queues.
        await Task.WhenAll(endpoints.Values.Select(async endpoint =>
        {
            try { await endpoint.Stop(); }
            catch (Exception e) { logger.LogWarning(e, "Could not stop a receive endpoint"); }
        }));

        while (!await DatabaseAnswersAsync())
            await Task.Delay(ProbeInterval);

        foreach (var endpoint in endpoints.Values)
        {
            try { await endpoint.Start().Ready; }
            catch (Exception e) { logger.LogError(e, "Could not restart a receive endpoint"); }
        }
        Volatile.Write(ref closed, 0);
        logger.LogInformation("PostgreSQL answers again; receive endpoints resumed");
    }

    private async Task<bool> DatabaseAnswersAsync()
    {
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(EventStore.ConnectionName))
            {
                Timeout = 3, Pooling = false,
            }.ConnectionString;
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync();
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            return false;
        }
    }

    public Task Ready(ReceiveEndpointReady ready)
    {
        // The bus's own temporary endpoint carries request/response: it never touches the database.
        if (!ready.InputAddress.AbsolutePath.Contains("_bus_", StringComparison.Ordinal))
            endpoints.TryAdd(ready.InputAddress, ready.ReceiveEndpoint);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;
    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(IsClosed
            ? HealthCheckResult.Degraded("Paused: waiting for PostgreSQL; messages wait in their queues.")
            : HealthCheckResult.Healthy($"Consuming ({Closures} pauses since start)."));
}

/// <summary>
/// First filter of every endpoint's error pipe: a message that failed for an outage is handed back
/// to the broker (the rethrow makes the transport NACK it with requeue) and the gate closes;
/// every other failure goes on to the fault event and the <c>_error</c> queue.
/// </summary>
public sealed class HoldDuringOutageFilter(OutageGate gate) : IFilter<ExceptionReceiveContext>
{
    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        if (gate.Report(context.Exception))
            ExceptionDispatchInfo.Capture(context.Exception).Throw();
        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("hold-during-outage");
}
