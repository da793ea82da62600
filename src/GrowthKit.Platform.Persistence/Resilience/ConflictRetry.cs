using Polly;
using Polly.Retry;

namespace GrowthKit.Platform.Persistence.Resilience;

/// <summary>
/// The one retry policy for lost races (<see cref="Failures.IsConflict"/>): start over at once, a few
/// times, with jittered backoff so that two writers do not collide again in step. Outages are not
/// retried here — a request answers 503 and a message waits in its queue (<see cref="OutageGate"/>).
/// </summary>
public static class ConflictRetry
{
    public const int MaxRetries = 5;

    public static ResiliencePipeline Pipeline { get; } = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(Failures.IsConflict),
            MaxRetryAttempts = MaxRetries,
            Delay = TimeSpan.FromMilliseconds(10),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    public static async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct) =>
        await Pipeline.ExecuteAsync(async token => await work(token), ct);

    public static async Task ExecuteAsync(Func<CancellationToken, Task> work, CancellationToken ct) =>
        await Pipeline.ExecuteAsync(async token => await work(token), ct);
}
