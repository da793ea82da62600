using System.Collections.Concurrent;
using MassTransit;

namespace GrowthKit.Services.Tests.Infrastructure;

/// <summary>
/// Observes a bus's consumers: how often each message id was consumed (or faulted), and how many
/// messages were being consumed at once. Lets a test wait until a duplicate has really been handled.
/// </summary>
public sealed class ConsumeWatch : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _consumed = new();
    private readonly ConcurrentQueue<string> _faults = new();
    private int _inFlight;
    private int _maxInFlight;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public IReadOnlyCollection<string> Faults => _faults;

    public int TimesConsumed(Guid messageId) => _consumed.GetValueOrDefault(messageId);

    /// <summary>Waits until the message with this id was consumed successfully <paramref name="times"/> times.</summary>
    public async Task WaitForConsumedAsync(Guid messageId, int times = 1)
    {
        try
        {
            await Eventually.Until(() => TimesConsumed(messageId) >= times, $"message {messageId} consumed {times} time(s)");
        }
        catch (TimeoutException e) when (!_faults.IsEmpty)
        {
            throw new TimeoutException($"{e.Message}; consumer faults: {string.Join("; ", _faults)}", e);
        }
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class
    {
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        Interlocked.Decrement(ref _inFlight);
        if (context.MessageId is { } id) _consumed.AddOrUpdate(id, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        Interlocked.Decrement(ref _inFlight);
        _faults.Enqueue($"{typeof(T).Name} {context.MessageId}: {exception.GetType().Name}: {exception.Message}");
        return Task.CompletedTask;
    }
}
