using System.Diagnostics;
using System.Net;

namespace GrowthKit.Bench;

/// <summary>What the push of every batch left: per lead its id and the time its batch's 202 arrived.</summary>
public sealed class IngestOutcome(int leads)
{
    public Guid?[] LeadIds { get; } = new Guid?[leads];
    public DateTimeOffset[] AcceptedAt { get; } = new DateTimeOffset[leads];
    public DateTimeOffset FirstPostAt { get; set; }
    public DateTimeOffset LastAcceptedAt { get; set; }
    public int Accepted;
    public int Rejected;
    public List<string> RejectionSamples { get; } = [];
    public List<double> BatchMilliseconds { get; } = [];

    public double Seconds => (LastAcceptedAt - FirstPostAt).TotalSeconds;
    public double AcceptedPerSecond => Accepted / Seconds;
}

/// <summary>
/// Pushes the batches through the gateway with a few concurrent senders, each taking the next
/// batch as soon as its previous one was answered.
/// </summary>
public static class Ingest
{
    private const string Step = "push leads (POST /api/leads/batch)";

    public static async Task<IngestOutcome> RunAsync(Gateway api, IReadOnlyList<byte[]> batches, int batchSize,
        int leads, int senders, CancellationToken ct)
    {
        var outcome = new IngestOutcome(leads);
        var next = -1;
        var gate = new object();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        outcome.FirstPostAt = DateTimeOffset.UtcNow;

        async Task SendAsync()
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches.Count)
            {
                var clock = Stopwatch.StartNew();
                var answer = await api.SendAsync(Step, HttpMethod.Post, "/api/leads/batch", batches[b], ct: failed.Token);
                Gateway.Expect(answer, Step, $"batch {b}", HttpStatusCode.Accepted);
                if (answer.Body.At("accepted") is null)
                    throw new BenchFailure(Step, $"batch {b}: 202 without an 'accepted' list: {Gateway.Shorten(answer.Text)}");

                lock (gate)
                {
                    outcome.BatchMilliseconds.Add(clock.Elapsed.TotalMilliseconds);
                    foreach (var item in answer.Body.At("accepted").Items())
                    {
                        var index = item.At("index").AsLong();
                        var leadId = item.At("leadId").AsGuid();
                        if (index is null || leadId is null) continue;
                        var global = b * batchSize + (int)index;
                        if (global >= leads || outcome.LeadIds[global] is not null) continue;
                        outcome.LeadIds[global] = leadId;
                        outcome.AcceptedAt[global] = answer.ReceivedAt;
                        outcome.Accepted++;
                    }
                    foreach (var item in answer.Body.At("rejected").Items())
                    {
                        outcome.Rejected++;
                        if (outcome.RejectionSamples.Count < 5)
                            outcome.RejectionSamples.Add($"batch {b} index {item.At("index")?.ToJsonString()}: {Gateway.Shorten(item.At("errors")?.ToJsonString() ?? "", 200)}");
                    }
                    if (answer.ReceivedAt > outcome.LastAcceptedAt) outcome.LastAcceptedAt = answer.ReceivedAt;
                }
            }
        }

        async Task SenderAsync()
        {
            try
            {
                await SendAsync();
            }
            catch
            {
                await failed.CancelAsync(); // the other senders stop too
                throw;
            }
        }

        var tasks = Enumerable.Range(0, senders).Select(_ => Task.Run(SenderAsync, CancellationToken.None)).ToArray();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            // The first real failure, not the cancellations it caused.
            var first = tasks.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions)
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            throw;
        }
        if (outcome.Accepted == 0)
            throw new BenchFailure(Step, $"no lead was accepted ({outcome.Rejected} rejected): {string.Join("; ", outcome.RejectionSamples)}");
        return outcome;
    }
}
