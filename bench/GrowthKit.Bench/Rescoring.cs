using System.Net;

namespace GrowthKit.Bench;

public sealed record RescoringOutcome(
    long Total, long Scored, DateTimeOffset PublishedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset DetectedAt)
{
    /// <summary>From the service's own startedAt/finishedAt.</summary>
    public double? ServerLeadsPerSecond => StartedAt is { } s && FinishedAt is { } f && f > s ? Scored / (f - s).TotalSeconds : null;

    /// <summary>From the publish request to finishedAt (or to when the end was seen).</summary>
    public double WallSeconds => ((FinishedAt ?? DetectedAt) - PublishedAt).TotalSeconds;
    public double WallLeadsPerSecond => Scored / WallSeconds;
}

/// <summary>Publishes v2 and follows <c>GET /api/icps/{id}/versions/2/rescoring</c> until <c>scored == total</c> and it has finished.</summary>
public static class Rescoring
{
    public static async Task<RescoringOutcome> RunAsync(Gateway api, Guid icpId, int expectedLeads, TimeSpan timeout, CancellationToken ct)
    {
        const string step = "re-scoring progress (GET /api/icps/{id}/versions/2/rescoring)";
        await IcpSetup.ChangeDraftAsync(api, icpId, ct);
        var publishedAt = DateTimeOffset.UtcNow;
        await IcpSetup.PublishAsync(api, icpId, "benchmark: second version", expectedVersion: 2, ct);

        var path = $"/api/icps/{icpId}/versions/2/rescoring";
        var deadline = publishedAt + timeout;
        var lastReport = DateTimeOffset.UtcNow;
        Answer? last = null;
        while (true)
        {
            var answer = await api.GetAsync(step, path, ct);
            var now = DateTimeOffset.UtcNow;
            // 404 until the scoring service has taken in the publication.
            if (answer.Status != HttpStatusCode.NotFound || now > deadline)
                Gateway.Expect(answer, step, "GET " + path, HttpStatusCode.OK);
            if (answer.Status == HttpStatusCode.OK)
            {
                last = answer;
                var body = answer.Body;
                var total = body.At("total").AsLong();
                var scored = body.At("scored").AsLong();
                var finishedAt = body.At("finishedAt").AsTime();
                if (total is null || scored is null)
                    throw new BenchFailure(step, $"no total/scored in {Gateway.Shorten(answer.Text)}");
                if (finishedAt is not null && scored >= total)
                {
                    if (total < expectedLeads)
                        Console.WriteLine($"  warning: re-scoring reports total {total}, but {expectedLeads} leads were accepted.");
                    return new RescoringOutcome(total.Value, scored.Value, publishedAt, body.At("startedAt").AsTime(), finishedAt, now);
                }
                if (now - lastReport > TimeSpan.FromSeconds(10))
                {
                    Console.WriteLine($"  … re-scored {scored:N0} of {total:N0} ({(now - publishedAt).TotalSeconds:0.0} s)");
                    lastReport = now;
                }
            }
            if (now > deadline)
                throw new BenchFailure(step, $"not finished after {timeout.TotalMinutes:0} min; last answer: {Gateway.Shorten(last?.Text ?? "(none)")}");
            await Task.Delay(200, ct);
        }
    }
}
