using System.Diagnostics;
using System.Text;
using MassTransit;

namespace GrowthKit.Bench.Baselines;

/// <summary>The baseline's message: an id and a lead's JSON (about 300 bytes), nothing else.</summary>
public sealed record BaselineLead(Guid Id, string Lead);

public sealed record MassTransitFigures(int Messages, double PublishSeconds, double TotalSeconds)
{
    public double MessagesPerSecond => Messages / TotalSeconds;
}

/// <summary>
/// Plain MassTransit 8.5 on the app's own broker: publish N small messages and consume them from a
/// fresh durable queue, with the settings the services use (publisher confirms, durable queue,
/// MassTransit's default prefetch and concurrency, the same retry policy) and no work in the consumer.
/// Up to 500 publishes are in flight at once, as a relay publishing a page of events would have.
/// </summary>
public static class MassTransitBaseline
{
    private const int PublishWindow = 500;

    public static async Task<MassTransitFigures> RunAsync(string connectionString, IReadOnlyList<byte[]> leads,
        TimeSpan timeout, CancellationToken ct)
    {
        var uri = new Uri(connectionString);
        var userInfo = uri.UserInfo.Split(':', 2);
        var queue = "bench-baseline-" + Guid.NewGuid().ToString("N")[..8];
        var count = leads.Count;
        var consumed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            // The app's user has rights on its own vhost only (amqp://…/growthkit).
            var virtualHost = uri.AbsolutePath.Trim('/') is { Length: > 0 } path ? Uri.UnescapeDataString(path) : "/";
            rabbit.Host(uri.Host, (ushort)uri.Port, virtualHost, h =>
            {
                h.Username(Uri.UnescapeDataString(userInfo[0]));
                h.Password(userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "");
                h.PublisherConfirmation = true;
            });
            rabbit.ReceiveEndpoint(queue, e =>
            {
                e.Durable = true;
                e.AutoDelete = true; // a scratch queue: gone when the benchmark's consumer leaves
                e.UseMessageRetry(r => r.Intervals(100, 500, 2000, 5000, 10000));
                e.Handler<BaselineLead>(_ =>
                {
                    if (Interlocked.Increment(ref consumed) == count) done.TrySetResult();
                    return Task.CompletedTask;
                });
            });
        });

        var messages = leads.Select(l => new BaselineLead(Guid.NewGuid(), Encoding.UTF8.GetString(l))).ToArray();
        using (var startCts = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            startCts.CancelAfter(TimeSpan.FromSeconds(60));
            await bus.StartAsync(startCts.Token);
        }
        try
        {
            var clock = Stopwatch.StartNew();
            using var window = new SemaphoreSlim(PublishWindow);
            var publishes = new List<Task>(count);
            foreach (var message in messages)
            {
                await window.WaitAsync(ct);
                publishes.Add(PublishAsync(message));
            }
            await Task.WhenAll(publishes);
            var published = clock.Elapsed;
            try
            {
                await done.Task.WaitAsync(timeout, ct);
            }
            catch (TimeoutException)
            {
                throw new BenchFailure("baseline: MassTransit", $"only {consumed} of {count} messages consumed after {timeout.TotalSeconds:0} s");
            }
            return new MassTransitFigures(count, published.TotalSeconds, clock.Elapsed.TotalSeconds);

            async Task PublishAsync(BaselineLead message)
            {
                try { await bus.Publish(message, ct); }
                finally { window.Release(); }
            }
        }
        finally
        {
            using var stopCts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await bus.StopAsync(stopCts.Token);
        }
    }
}
