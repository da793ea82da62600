using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace GrowthKit.Bench;

public sealed class CompletionOutcome
{
    /// <summary>Every lead seen scored for the version, with its <c>scoredAt</c> when the list carries it.</summary>
    public Dictionary<Guid, DateTimeOffset?> Scored { get; } = [];
    public DateTimeOffset DetectedAt { get; set; }

    /// <summary>When the probes were all scored, before the (costly) sweeps confirmed every lead.</summary>
    public DateTimeOffset ProbedAt { get; set; }
    public int ProbeRounds { get; set; }
    public int ProbeRequests { get; set; }
    public int Sweeps { get; set; }
    public int Pages { get; set; }
    public double WatchSeconds { get; set; }
    public bool ListCarriesScoredAt => Scored.Count > 0 && Scored.Values.All(v => v is not null);

    /// <summary>The last score's time: exact when the list carries <c>scoredAt</c>, else when completion was seen.</summary>
    public DateTimeOffset LastScoredAt => ListCarriesScoredAt ? Scored.Values.Max()!.Value : DetectedAt;
}

/// <summary>
/// Waits until every accepted lead has a score for the version, disturbing the run as little as it can:
/// <list type="number">
/// <item>Probes: the last lead of each of the batches answered last, read with <c>GET /api/leads/{id}</c>
/// every 500 ms until each has its score (a scored probe is not read again).</item>
/// <item>Then (<see cref="CompletionOutcome.ProbedAt"/>) sweeps of <c>GET /api/leads?icpId=&amp;limit=1000</c> (every page) until the union of the
/// sweeps holds every accepted lead; a lead once scored for a version stays so.</item>
/// </list>
/// The end time comes from the scores' own <c>scoredAt</c>, so watching late does not worsen the figure.
/// </summary>
public static class ScoringWatch
{
    private const int PageSize = 1000;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);
    private const string Step = "wait for scores";

    public static async Task<CompletionOutcome> WaitAsync(Gateway api, Guid icpId, int version, IngestOutcome ingest,
        int batchSize, int senders, TimeSpan timeout, CancellationToken ct, bool quiet = false, Action? probed = null)
    {
        var outcome = new CompletionOutcome();
        var deadline = DateTimeOffset.UtcNow + timeout;
        var clock = Stopwatch.StartNew();
        await ProbeAsync(api, icpId, version, ingest, batchSize, senders, outcome, deadline, quiet, ct);
        outcome.ProbedAt = DateTimeOffset.UtcNow;
        probed?.Invoke();
        await SweepUntilCompleteAsync(api, icpId, version, ingest, outcome, deadline, quiet, ct);
        outcome.WatchSeconds = clock.Elapsed.TotalSeconds;
        return outcome;
    }

    private static async Task ProbeAsync(Gateway api, Guid icpId, int version, IngestOutcome ingest, int batchSize,
        int senders, CompletionOutcome outcome, DateTimeOffset deadline, bool quiet, CancellationToken ct)
    {
        // The last lead of each of the batches answered last (one per sender): batches are committed
        // and relayed in about that order, so these are scored last.
        var probes = ingest.LeadIds
            .Select((id, index) => (Id: id, Batch: index / batchSize, At: ingest.AcceptedAt[index]))
            .Where(p => p.Id is not null)
            .GroupBy(p => p.Batch)
            .Select(g => g.Last())
            .OrderByDescending(p => p.At)
            .Take(Math.Max(1, senders))
            .Select(p => p.Id!.Value)
            .ToList();
        var total = probes.Count;
        var lastReport = DateTimeOffset.UtcNow;
        while (probes.Count > 0)
        {
            outcome.ProbeRounds++;
            var scored = new ConcurrentBag<Guid>();
            await Parallel.ForEachAsync(probes, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (id, token) =>
            {
                var path = $"/api/leads/{id}";
                var answer = await api.GetAsync(Step, path, token);
                // 200 from the moment it is accepted (scores: [] until scoring takes it in); still 404 from
                // scoring alone should the gateway not reach the leads service's read.
                if (answer.Status != HttpStatusCode.NotFound) Gateway.Expect(answer, Step, "GET " + path, HttpStatusCode.OK);
                if (Latency.ScoredAt(answer.Body, icpId, version) is not null) scored.Add(id);
            });
            outcome.ProbeRequests += probes.Count;
            probes.RemoveAll(scored.Contains);

            var now = DateTimeOffset.UtcNow;
            if (now > deadline)
                throw new BenchFailure(Step, $"{probes.Count} of {total} probe leads (the last of the batches answered last) still have no v{version} score");
            if (!quiet && now - lastReport > TimeSpan.FromSeconds(10))
            {
                Console.WriteLine($"  … {total - probes.Count} of {total} probe leads scored for v{version} ({(now - ingest.FirstPostAt).TotalSeconds:0.0} s)");
                lastReport = now;
            }
            if (probes.Count > 0) await Task.Delay(ProbeInterval, ct);
        }
    }

    private static async Task SweepUntilCompleteAsync(Gateway api, Guid icpId, int version, IngestOutcome ingest,
        CompletionOutcome outcome, DateTimeOffset deadline, bool quiet, CancellationToken ct)
    {
        var expected = ingest.LeadIds.Where(id => id is not null).Select(id => id!.Value).ToHashSet();
        while (true)
        {
            var clock = Stopwatch.StartNew();
            string? cursor = null;
            do
            {
                var path = $"/api/leads?icpId={icpId}&limit={PageSize}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
                var page = Gateway.Expect(await api.GetAsync(Step, path, ct), Step, "GET " + path, HttpStatusCode.OK);
                if (page.Body.At("items") is null)
                    throw new BenchFailure(Step, $"GET {path}: no 'items' in {Gateway.Shorten(page.Text)}");
                outcome.Pages++;
                foreach (var item in page.Body.At("items").Items())
                {
                    if (item.At("leadId").AsGuid() is not { } leadId || !expected.Contains(leadId)) continue;
                    var score = item.At("score");
                    if (score is null) continue;
                    // The list shows the score for the latest published version; count it only for ours.
                    if (score.At("icpVersion").AsLong() is { } v && v != version) continue;
                    if (!outcome.Scored.ContainsKey(leadId)) outcome.Scored[leadId] = score.At("scoredAt").AsTime();
                }
                cursor = page.Body.At("nextCursor").Text();
            } while (cursor is not null);
            outcome.Sweeps++;

            var now = DateTimeOffset.UtcNow;
            if (outcome.Scored.Count >= expected.Count)
            {
                outcome.DetectedAt = now;
                return;
            }
            if (now > deadline)
                throw new BenchFailure(Step, $"only {outcome.Scored.Count} of {expected.Count} leads listed with a v{version} score "
                                             + $"(GET /api/leads?icpId={icpId}) although every probe lead has one");
            if (!quiet)
                Console.WriteLine($"  … {outcome.Scored.Count:N0} of {expected.Count:N0} listed with a v{version} score; sweeping again");
            // At least twice the sweep's own cost apart: watching takes at most a third of the time.
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.5, 2 * clock.Elapsed.TotalSeconds)), ct);
        }
    }
}
