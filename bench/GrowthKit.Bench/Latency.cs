using System.Collections.Concurrent;
using System.Net;

namespace GrowthKit.Bench;

public sealed record Percentiles(int Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs)
{
    public static Percentiles? Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        double At(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(sorted.Length, At(0.50), At(0.90), At(0.99), sorted[^1]);
    }
}

/// <summary>Accept-to-score time per lead: the score's <c>scoredAt</c> less the time its batch's 202 arrived.</summary>
public static class Latency
{
    /// <summary>From every lead, when the list carried <c>scoredAt</c>.</summary>
    public static Percentiles? FromList(IngestOutcome ingest, CompletionOutcome completion)
    {
        if (!completion.ListCarriesScoredAt) return null;
        var acceptedAt = new Dictionary<Guid, DateTimeOffset>();
        for (var i = 0; i < ingest.LeadIds.Length; i++)
            if (ingest.LeadIds[i] is { } id) acceptedAt[id] = ingest.AcceptedAt[i];
        return Percentiles.Of([.. completion.Scored
            .Where(s => acceptedAt.ContainsKey(s.Key))
            .Select(s => (s.Value!.Value - acceptedAt[s.Key]).TotalMilliseconds)]);
    }

    /// <summary>From <paramref name="sample"/> leads spread over the run, read one by one (<c>GET /api/leads/{id}</c>).</summary>
    public static async Task<Percentiles?> FromSampleAsync(Gateway api, Guid icpId, int version, IngestOutcome ingest,
        int sample, CancellationToken ct)
    {
        var values = new ConcurrentBag<double>();
        await ForSampleAsync(api, ingest, sample, "sample accept-to-score times (GET /api/leads/{id})", async (index, lead) =>
        {
            if (ScoredAt(lead, icpId, version) is { } scoredAt)
                values.Add((scoredAt - ingest.AcceptedAt[index]).TotalMilliseconds);
        }, ct);
        return Percentiles.Of(values);
    }

    /// <summary>How many of <paramref name="sample"/> leads carry a score for the version.</summary>
    public static async Task<(int Checked, int Scored)> CountScoredAsync(Gateway api, Guid icpId, int version,
        IngestOutcome ingest, int sample, CancellationToken ct)
    {
        var checkedCount = 0;
        var scored = 0;
        await ForSampleAsync(api, ingest, sample, $"check v{version} scores (GET /api/leads/{{id}})", (_, lead) =>
        {
            Interlocked.Increment(ref checkedCount);
            if (ScoredAt(lead, icpId, version) is not null) Interlocked.Increment(ref scored);
            return Task.CompletedTask;
        }, ct);
        return (checkedCount, scored);
    }

    /// <summary>The <c>scoredAt</c> of the lead's score for that ICP version, if it has one.</summary>
    public static DateTimeOffset? ScoredAt(System.Text.Json.Nodes.JsonNode? lead, Guid icpId, int version) =>
        lead.At("scores").Items()
            .Where(s => s.At("icpId").AsGuid() == icpId && s.At("icpVersion").AsLong() == version)
            .Select(s => s.At("scoredAt").AsTime())
            .FirstOrDefault(t => t is not null);

    private static async Task ForSampleAsync(Gateway api, IngestOutcome ingest, int sample, string step,
        Func<int, System.Text.Json.Nodes.JsonNode?, Task> use, CancellationToken ct)
    {
        var accepted = Enumerable.Range(0, ingest.LeadIds.Length).Where(i => ingest.LeadIds[i] is not null).ToArray();
        if (accepted.Length == 0 || sample == 0) return;
        var stride = Math.Max(1.0, accepted.Length / (double)Math.Min(sample, accepted.Length));
        var picks = Enumerable.Range(0, Math.Min(sample, accepted.Length)).Select(k => accepted[(int)(k * stride)]).Distinct();
        await Parallel.ForEachAsync(picks, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (index, token) =>
        {
            var path = $"/api/leads/{ingest.LeadIds[index]}";
            var answer = Gateway.Expect(await api.GetAsync(step, path, token), step, "GET " + path, HttpStatusCode.OK);
            await use(index, answer.Body);
        });
    }
}
