using System.Diagnostics.Metrics;
using GrowthKit.ServiceDefaults.DeadLettering;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace GrowthKit.Platform.Messaging.Resilience;

/// <summary>
/// What failed past every retry waits in the <c>_error</c> queues of the service's endpoints. This
/// counts them every few seconds (metric <c>growthkit.messaging.dead_letters</c>, health entry
/// <c>dead-letters</c> Degraded while any wait) and re-drives them into their queues on request
/// (<c>eng/redrive.sh</c> through the gateway's <c>/admin/dead-letters/redrive</c>).
/// </summary>
public sealed class DeadLetters(IConfiguration configuration, OutageGate gate, ILogger<DeadLetters> logger)
    : BackgroundService, IHealthCheck
{
    public const string ErrorSuffix = "_error";
    public static readonly TimeSpan CountInterval = TimeSpan.FromSeconds(5);
    private static readonly Meter Meter = new(GrowthKitTelemetry.SourceName);
    private IReadOnlyList<DeadLetterQueue> last = [];
    private ObservableGauge<long>? gauge;

    public IReadOnlyList<DeadLetterQueue> Last => last;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        gauge ??= Meter.CreateObservableGauge("growthkit.messaging.dead_letters", () => (long)last.Sum(q => q.Messages),
            unit: "{message}", description: "Messages waiting in this service's _error queues");
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await CountAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Could not count dead letters (is the broker up?)");
            }
            await Task.Delay(CountInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Every error queue of the service's endpoints with how many messages wait in it.</summary>
    public async Task<IReadOnlyList<DeadLetterQueue>> CountAsync(CancellationToken ct)
    {
        await using var connection = await ConnectAsync(ct);
        var counts = new List<DeadLetterQueue>();
        foreach (var queue in Queues())
        {
            // A queue that does not exist yet closes the channel: one channel per look.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            try
            {
                var declared = await channel.QueueDeclarePassiveAsync(queue + ErrorSuffix, ct);
                counts.Add(new DeadLetterQueue(queue + ErrorSuffix, declared.MessageCount));
            }
            catch (OperationInterruptedException)
            {
                counts.Add(new DeadLetterQueue(queue + ErrorSuffix, 0));
            }
        }
        last = counts;
        return counts;
    }

    /// <summary>Moves every message of every error queue back into the queue it failed in; how many moved.</summary>
    public async Task<int> RedriveAsync(CancellationToken ct)
    {
        await using var connection = await ConnectAsync(ct);
        var moved = 0;
        foreach (var queue in Queues())
        {
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
            try
            {
                await channel.QueueDeclarePassiveAsync(queue + ErrorSuffix, ct);
            }
            catch (OperationInterruptedException)
            {
                continue;
            }
            // One at a time, each acknowledged only after the broker confirmed its copy: a crash
            // in between re-drives that message twice at worst, and consumers are idempotent.
            while (await channel.BasicGetAsync(queue + ErrorSuffix, autoAck: false, ct) is { } message)
            {
                var properties = new BasicProperties(message.BasicProperties);
                await channel.BasicPublishAsync("", queue, mandatory: false, properties, message.Body, ct);
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
                moved++;
            }
        }
        logger.LogInformation("Re-drove {Count} dead-lettered messages", moved);
        await CountAsync(ct);
        return moved;
    }

    private IEnumerable<string> Queues() =>
        gate.Endpoints.Select(address => address.AbsolutePath.TrimEnd('/').Split('/')[^1]).Distinct();

    private Task<IConnection> ConnectAsync(CancellationToken ct) =>
        Messaging.ConnectAsync(configuration, "growthkit-dead-letters", ct);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = last.Where(q => q.Messages > 0).ToList();
        return Task.FromResult(waiting.Count == 0
            ? HealthCheckResult.Healthy("No dead-lettered messages.")
            : HealthCheckResult.Degraded(
                $"{waiting.Sum(q => q.Messages)} dead-lettered messages ({string.Join(", ", waiting.Select(q => $"{q.Queue}: {q.Messages}"))}); re-drive with eng/redrive.sh."));
    }
}
