using System.Net;

namespace GrowthKit.Bench;

/// <summary>Accept → score of leads sent one by one, and whether each was readable right after its 202.</summary>
public sealed record SingleLeadFigures(
    int Sent,
    double OfferedPerSecond,
    Percentiles? AcceptToScoreMs,
    int ReadableAtOnce,
    int ReadChecks);

/// <summary>
/// Issue 13's latency aims: single leads on an idle system, and leads at half the maximum end-to-end
/// rate. Neither phase polls for scores while it runs — that would load the system it measures —
/// the scores' <c>scoredAt</c> are read afterwards and compared with the time each 202 arrived.
/// </summary>
public static class SingleLeads
{
    /// <summary>
    /// <paramref name="count"/> leads, one <c>POST /api/leads</c> at a time, <paramref name="spacing"/>
    /// apart (an idle system between them); each is read once right after its 202.
    /// </summary>
    public static async Task<SingleLeadFigures> IdleAsync(Gateway api, Guid icpId, int version, int count, int seed,
        TimeSpan spacing, TimeSpan timeout, CancellationToken ct)
    {
        const string step = "single leads on an idle system (POST /api/leads)";
        var leads = new SyntheticLeads(count, seed, "single");
        var outcome = new IngestOutcome(count);
        var readable = 0;
        var started = DateTimeOffset.UtcNow;
        outcome.FirstPostAt = started;
        for (var i = 0; i < count; i++)
        {
            var answer = Gateway.Expect(await api.SendAsync(step, HttpMethod.Post, "/api/leads", leads.Leads[i], ct: ct),
                step, $"lead {i}", HttpStatusCode.Accepted);
            var leadId = answer.Body.At("leadId").AsGuid() ?? throw new BenchFailure(step, $"lead {i}: 202 without a leadId");
            outcome.LeadIds[i] = leadId;
            outcome.AcceptedAt[i] = answer.ReceivedAt;
            outcome.LastAcceptedAt = answer.ReceivedAt;
            outcome.Accepted++;
            // Issue 13: a lead is readable as soon as it is accepted.
            var read = await api.GetAsync(step, $"/api/leads/{leadId}", ct);
            if (read.Status == HttpStatusCode.OK) readable++;
            await Task.Delay(spacing, ct); // idle between leads: each one meets a quiet system
        }
        var offered = count / (DateTimeOffset.UtcNow - started).TotalSeconds;
        var latency = await ScoredLatencyAsync(api, icpId, version, outcome, count, timeout, step, ct);
        return new SingleLeadFigures(count, offered, latency, readable, count);
    }

    /// <summary>
    /// Leads at a steady <paramref name="perSecond"/> for <paramref name="duration"/>: a small batch every
    /// 50 ms, sent on the clock whether or not the previous one was answered (an open workload).
    /// </summary>
    public static async Task<SingleLeadFigures> PacedAsync(Gateway api, Guid icpId, int version, double perSecond,
        TimeSpan duration, int sample, int seed, TimeSpan timeout, CancellationToken ct)
    {
        const string step = "leads at a steady rate (POST /api/leads/batch)";
        var tick = TimeSpan.FromMilliseconds(50);
        var ticks = Math.Max(1, (int)(duration / tick));
        var perBatch = Math.Clamp((int)Math.Round(perSecond * tick.TotalSeconds), 1, 1_000);
        var leads = new SyntheticLeads(ticks * perBatch, seed, "paced");
        var batches = leads.Batches(perBatch);
        var outcome = new IngestOutcome(ticks * perBatch);
        var gate = new object();

        async Task SendAsync(int b)
        {
            var answer = Gateway.Expect(await api.SendAsync(step, HttpMethod.Post, "/api/leads/batch", batches[b], ct: ct),
                step, $"batch {b}", HttpStatusCode.Accepted);
            lock (gate)
            {
                foreach (var item in answer.Body.At("accepted").Items())
                {
                    if (item.At("index").AsLong() is not { } index || item.At("leadId").AsGuid() is not { } leadId) continue;
                    var global = b * perBatch + (int)index;
                    outcome.LeadIds[global] = leadId;
                    outcome.AcceptedAt[global] = answer.ReceivedAt;
                    outcome.Accepted++;
                }
                if (answer.ReceivedAt > outcome.LastAcceptedAt) outcome.LastAcceptedAt = answer.ReceivedAt;
            }
        }

        var sends = new List<Task>(ticks);
        outcome.FirstPostAt = DateTimeOffset.UtcNow;
        using (var timer = new PeriodicTimer(tick))
        {
            for (var b = 0; b < batches.Count; b++)
            {
                sends.Add(SendAsync(b));
                await timer.WaitForNextTickAsync(ct);
            }
        }
        await Task.WhenAll(sends);
        var offered = outcome.Accepted / (outcome.LastAcceptedAt - outcome.FirstPostAt).TotalSeconds;
        var latency = await ScoredLatencyAsync(api, icpId, version, outcome, sample, timeout, step, ct);
        return new SingleLeadFigures(outcome.Accepted, offered, latency, 0, 0);
    }

    /// <summary>Waits until the sampled leads carry a score for the version, then their accept → score times.</summary>
    private static async Task<Percentiles?> ScoredLatencyAsync(Gateway api, Guid icpId, int version, IngestOutcome outcome,
        int sample, TimeSpan timeout, string step, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var check = await Latency.CountScoredAsync(api, icpId, version, outcome, sample, ct);
            if (check.Scored == check.Checked) break;
            if (DateTimeOffset.UtcNow > deadline)
                throw new BenchFailure(step, $"only {check.Scored} of {check.Checked} sampled leads were scored after {timeout.TotalMinutes:0} minutes");
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        return await Latency.FromSampleAsync(api, icpId, version, outcome, sample, ct);
    }
}
