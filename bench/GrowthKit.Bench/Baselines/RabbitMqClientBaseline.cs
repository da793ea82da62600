using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace GrowthKit.Bench.Baselines;

public sealed record RabbitMqFigures(int Messages, double PublishSeconds, double TotalSeconds)
{
    public double MessagesPerSecond => Messages / TotalSeconds;
}

/// <summary>
/// The raw broker: RabbitMQ.Client 7 directly (no MassTransit), persistent messages with publisher
/// confirms (up to 500 outstanding), to a durable queue on the app's own vhost, consumed with manual
/// acknowledgements and a prefetch of 500. The ceiling any pipeline over this broker can reach with
/// the same delivery guarantees; the end-to-end aim is at least half of it.
/// </summary>
public static class RabbitMqClientBaseline
{
    private const int PublishWindow = 500;
    private const ushort Prefetch = 500;

    public static async Task<RabbitMqFigures> RunAsync(string connectionString, IReadOnlyList<byte[]> leads,
        TimeSpan timeout, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(connectionString), ClientProvidedName = "growthkit-bench-baseline" };
        await using var connection = await factory.CreateConnectionAsync(ct);
        var queue = "bench-raw-" + Guid.NewGuid().ToString("N")[..8];
        var count = leads.Count;
        var consumed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var consuming = await connection.CreateChannelAsync(cancellationToken: ct);
        await consuming.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);
        try
        {
            await consuming.BasicQosAsync(0, Prefetch, false, ct);
            var consumer = new AsyncEventingBasicConsumer(consuming);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                await consuming.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
                if (Interlocked.Increment(ref consumed) == count) done.TrySetResult();
            };
            await consuming.BasicConsumeAsync(queue, autoAck: false, consumer, ct);

            // Confirms tracked by the client: each publish completes when the broker has the message;
            // at most PublishWindow are outstanding, as with the MassTransit baseline.
            await using var publishing = await connection.CreateChannelAsync(new CreateChannelOptions(
                publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
            var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };

            var clock = Stopwatch.StartNew();
            using var window = new SemaphoreSlim(PublishWindow);
            var publishes = new List<Task>(count);
            foreach (var lead in leads)
            {
                await window.WaitAsync(ct);
                publishes.Add(PublishAsync(lead));
            }
            await Task.WhenAll(publishes);
            var published = clock.Elapsed;
            try
            {
                await done.Task.WaitAsync(timeout, ct);
            }
            catch (TimeoutException)
            {
                throw new BenchFailure("baseline: RabbitMQ.Client", $"only {consumed} of {count} messages consumed after {timeout.TotalSeconds:0} s");
            }
            return new RabbitMqFigures(count, published.TotalSeconds, clock.Elapsed.TotalSeconds);

            async Task PublishAsync(byte[] body)
            {
                try { await publishing.BasicPublishAsync("", queue, mandatory: true, properties, body, ct); }
                finally { window.Release(); }
            }
        }
        finally
        {
            await consuming.QueueDeleteAsync(queue, cancellationToken: CancellationToken.None);
        }
    }
}
