using System.Net;
using System.Text.Json.Nodes;
using GrowthKit.Testing;

namespace GrowthKit.Bench;

/// <summary>API.md's example ICP: drafted and published as v1; later changed and published as v2.</summary>
public static class IcpSetup
{
    public static readonly string Definition =
        ExampleIcp.Definition(description: "The benchmark's ICP (API.md's example)").ToJsonString();

    /// <summary>Drafts and publishes v1 (API.md's example unless another definition is given), then waits (up to 30 s) until scoring knows it.</summary>
    public static async Task<Guid> PublishFirstVersionAsync(Gateway api, CancellationToken ct, string? definition = null)
    {
        const string step = "define ICP";
        var created = Gateway.Expect(await api.PostJsonAsync(step, "/api/icps", JsonNode.Parse(definition ?? Definition)!, ct: ct),
            step, "POST /api/icps", HttpStatusCode.Created);
        var icpId = created.Body.At("icpId").AsGuid() ?? throw new BenchFailure(step, $"no icpId in {Gateway.Shorten(created.Text)}");

        await PublishAsync(api, icpId, "benchmark: first version", expectedVersion: 1, ct);

        // Leads pushed before scoring has the version would wait for the re-scoring instead.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Answer? progress = null;
        // 404 throughout means the progress route is missing rather than slow: give up sooner.
        while (clock.Elapsed < TimeSpan.FromSeconds(progress?.Status == HttpStatusCode.NotFound ? 10 : 30))
        {
            progress = await api.GetAsync("wait for v1 in scoring", $"/api/icps/{icpId}/versions/1/rescoring", ct);
            if (progress.Status == HttpStatusCode.OK && progress.Body.At("finishedAt").AsTime() is not null) return icpId;
            await Task.Delay(200, ct);
        }
        Console.WriteLine($"  warning: GET /api/icps/{{id}}/versions/1/rescoring did not report v1 finished within {clock.Elapsed.TotalSeconds:0} s "
                          + $"(last: {(int?)progress?.Status} {Gateway.Shorten(progress?.Text ?? "", 160)}); going on.");
        return icpId;
    }

    /// <summary>Changes the draft (the pain criterion weighs 15 instead of 10) with If-Match; does not publish.</summary>
    public static async Task ChangeDraftAsync(Gateway api, Guid icpId, CancellationToken ct)
    {
        const string step = "change ICP";
        var current = Gateway.Expect(await api.GetAsync(step, $"/api/icps/{icpId}", ct), step, $"GET /api/icps/{icpId}", HttpStatusCode.OK);
        var etag = current.ETag ?? throw new BenchFailure(step, "GET /api/icps/{id} sent no ETag");
        var draft = current.Body.At("draft")?.DeepClone() ?? JsonNode.Parse(Definition)!;
        foreach (var criterion in draft.At("criteria").Items())
        {
            if (criterion.At("key").Text() == "pain") criterion["weight"] = 15;
        }
        Gateway.Expect(await api.PutJsonAsync(step, $"/api/icps/{icpId}",
                new JsonObject { ["definition"] = draft, ["reason"] = "benchmark: pain matters more" }, etag, ct),
            step, $"PUT /api/icps/{icpId}", HttpStatusCode.OK);
    }

    public static async Task PublishAsync(Gateway api, Guid icpId, string reason, int expectedVersion, CancellationToken ct)
    {
        var step = $"publish ICP v{expectedVersion}";
        var published = Gateway.Expect(await api.PostJsonAsync(step, $"/api/icps/{icpId}/publish",
                new JsonObject { ["reason"] = reason }, ct: ct),
            step, $"POST /api/icps/{icpId}/publish", HttpStatusCode.OK);
        var version = published.Body.At("version").AsLong();
        if (version != expectedVersion)
            throw new BenchFailure(step, $"expected version {expectedVersion}, got {Gateway.Shorten(published.Text)}");
    }
}
