using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowthKit.Chaos.Tests;

/// <summary>
/// Leads streaming in from several concurrent senders, in batches through <c>POST /api/leads/batch</c>,
/// paced to spread over a planned duration. Every batch carries its own Idempotency-Key and is sent
/// until it is answered 202: a 429 or 503 after its Retry-After, any other 5xx, a timeout or a refused
/// connection after a second, always with the same key and the same bytes. Every answer is recorded.
/// </summary>
public sealed class LeadStream(HttpClient api, string prefix, int leads, int batchSize, int senders, TimeSpan plannedDuration)
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<Guid, byte> _accepted = new();
    private readonly ConcurrentDictionary<string, int> _answers = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private int _nextBatch = -1;
    private int _sent;
    private int _replayedAfterServerError;
    private Stopwatch _clock = new();

    public int Batches { get; } = (leads + batchSize - 1) / batchSize;
    public int Sent => Volatile.Read(ref _sent);
    public IReadOnlyCollection<Guid> Accepted => (IReadOnlyCollection<Guid>)_accepted.Keys;
    public int AcceptedCount => _accepted.Count;
    /// <summary>Answers by status code ("202", "503", …) or failure ("timeout", "refused").</summary>
    public IReadOnlyDictionary<string, int> Answers => _answers;
    /// <summary>Batches first answered 500 or 503 whose retry was then replayed: stored although answered as failed.</summary>
    public int ReplayedAfterServerError => Volatile.Read(ref _replayedAfterServerError);
    /// <summary>What a correct system never answers: a rejected lead, a 4xx other than 429.</summary>
    public IReadOnlyCollection<string> Problems => _problems;
    public TimeSpan Elapsed => _clock.Elapsed;

    public Task RunAsync(CancellationToken ct)
    {
        _clock = Stopwatch.StartNew();
        return Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(() => SendAsync(ct), ct)));
    }

    /// <summary>Waits until at least <paramref name="count"/> leads were accepted (or the stream ended).</summary>
    public async Task WaitForAcceptedAsync(int count, Task running, CancellationToken ct)
    {
        while (AcceptedCount < count && !running.IsCompleted) await Task.Delay(100, ct);
    }

    private async Task SendAsync(CancellationToken ct)
    {
        for (var batch = Interlocked.Increment(ref _nextBatch); batch < Batches; batch = Interlocked.Increment(ref _nextBatch))
        {
            // Paced: batch k is due at k/Batches of the planned duration; a sender held up by a fault catches up.
            var due = plannedDuration * batch / Batches - _clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due, ct);
            await SendBatchAsync(batch, ct);
        }
    }

    private async Task SendBatchAsync(int batch, CancellationToken ct)
    {
        var count = Math.Min(batchSize, leads - batch * batchSize);
        var body = new JsonObject
        {
            ["leads"] = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)Samples.Lead($"{prefix}-{batch}-{i}"))]),
        }.ToJsonString();
        var key = $"{prefix}-batch-{batch}";
        var serverError = false;
        Interlocked.Add(ref _sent, count);

        while (true)
        {
            ct.ThrowIfCancellationRequested();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads/batch")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", key);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attempt.CancelAfter(AttemptTimeout);
            HttpResponseMessage response;
            try
            {
                response = await api.SendAsync(request, attempt.Token);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or OperationCanceledException)
            {
                Count(e is OperationCanceledException ? "timeout" : "refused");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                continue;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                Count(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsObject();
                    foreach (var accepted in answer["accepted"]!.AsArray())
                        _accepted.TryAdd(Guid.Parse(accepted!["leadId"]!.GetValue<string>()), 0);
                    if (answer["rejected"]!.AsArray().Count > 0)
                        _problems.Enqueue($"batch {batch}: rejected {answer["rejected"]!.ToJsonString()}");
                    if (serverError && response.Headers.TryGetValues("Idempotent-Replayed", out var replayed)
                        && replayed.Contains("true", StringComparer.OrdinalIgnoreCase))
                    {
                        Interlocked.Increment(ref _replayedAfterServerError);
                    }
                    return;
                }
                if (status is 500 or 503) serverError = true;
                if (status is 429 or >= 500)
                {
                    await Task.Delay(RetryAfter(response.Headers.RetryAfter), ct);
                    continue;
                }
                _problems.Enqueue($"batch {batch}: {status} {await response.Content.ReadAsStringAsync(ct)}");
                return;
            }
        }
    }

    private static TimeSpan RetryAfter(RetryConditionHeaderValue? header) =>
        header?.Delta is { } delta && delta > TimeSpan.Zero && delta < TimeSpan.FromSeconds(30) ? delta : TimeSpan.FromSeconds(1);

    private void Count(string answer) => _answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
}
