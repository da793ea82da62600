using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// One tenant sends every kind of poison it can — hostile text and numbers, bombs of nested groups,
/// oversized bodies, floods past its rate, the largest ICP the limits allow re-scoring its leads —
/// while another tenant's leads go on being scored within their normal latency.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class NoisyNeighbourTests(GrowthKitApp system, ITestOutputHelper output)
{
    [Fact]
    public async Task A_tenant_sending_poison_does_not_slow_another_tenants_scoring()
    {
        var quiet = await system.CreateTenantAsync();
        var quietIcp = await quiet.Api.CreateIcp();
        await quiet.Api.Publish(quietIcp);
        var noisy = await system.CreateTenantAsync();

        // The quiet tenant's normal latency: push a lead, wait for its score (after one to warm up).
        await ScoreOneAsync(quiet, "warm-up");
        var baseline = new List<TimeSpan>();
        for (var i = 0; i < 5; i++) baseline.Add(await ScoreOneAsync(quiet, $"base-{i}"));
        var normal = baseline.Max();

        using var stop = new CancellationTokenSource();
        var bigIcp = await PublishLargestIcpAsync(noisy);
        // Four senders at once, as a misbehaving integration would.
        var poison = Task.WhenAll(Enumerable.Range(0, 4).Select(sender => Task.Run(() => PoisonAsync(noisy, bigIcp, sender, stop.Token))));
        var during = new List<TimeSpan>();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            for (var i = 0; i < 10; i++) during.Add(await ScoreOneAsync(quiet, $"during-{i}"));
        }
        finally
        {
            await stop.CancelAsync();
        }
        var sent = (await poison).Sum();

        output.WriteLine($"quiet tenant: normal {normal.TotalMilliseconds:F0} ms (max of 5), under poison max {during.Max().TotalMilliseconds:F0} ms, " +
                         $"median {during.Order().ElementAt(during.Count / 2).TotalMilliseconds:F0} ms; noisy tenant sent {sent} requests");
        Assert.True(sent >= 20, $"the noisy tenant only got {sent} requests out");
        // Seconds, not the tens of seconds a stalled consumer or worker costs: within 3× normal plus 3 s of slack.
        var allowed = normal * 3 + TimeSpan.FromSeconds(3);
        Assert.True(during.Max() <= allowed, $"the quiet tenant's leads took up to {during.Max()} under poison (allowed {allowed})");
    }

    private static async Task<TimeSpan> ScoreOneAsync(Tenant tenant, string externalId)
    {
        var watch = Stopwatch.StartNew();
        var leadId = await tenant.Api.PushLead(Samples.Lead(externalId));
        await tenant.Api.WaitForLead(leadId, l => l.Scores().Count > 0, TimeSpan.FromMinutes(2));
        return watch.Elapsed;
    }

    // The largest ICP the limits allow, published: its re-scoring and scoring run beside the quiet tenant's.
    private static async Task<JsonObject> PublishLargestIcpAsync(Tenant noisy)
    {
        var big = Samples.Definition();
        var criteria = big["criteria"]!.AsArray();
        for (var i = criteria.Count; i < 100; i++)
        {
            criteria.Add(new JsonObject
            {
                ["key"] = $"k{i}", ["field"] = $"attributes.a{i}", ["operator"] = "in",
                ["values"] = new JsonArray([.. Enumerable.Range(0, 300).Select(v => (JsonNode)$"value-{i}-{v}")]), ["weight"] = 1000,
            });
        }
        var bigIcp = await noisy.Api.CreateIcp(big);
        await noisy.Api.Publish(bigIcp);
        return big;
    }

    private static async Task<int> PoisonAsync(Tenant noisy, JsonObject big, int sender, CancellationToken stop)
    {
        var sent = 0;
        string Lead(int i, string hostile) => Samples.Lead($"poison-{i}").ToJsonString().Replace("\"SAP\"", hostile);
        var payloads = new Func<int, (string Path, string Body)>[]
        {
            i => ("/api/leads", Lead(i, "\"a\\u0000b\"")),
            i => ("/api/leads", Lead(i, "\"\\ud800\"")),
            i => ("/api/leads", Lead(i, "1e999999")),
            i => ("/api/leads/batch", "{\"leads\": [" + string.Join(",", Enumerable.Range(0, 10).Select(j => Lead(i * 1000 + j, "\"SAP\""))) + "]}"),
            i => ("/api/leads/batch", "{\"leads\": [" + string.Join(",", Enumerable.Range(0, 1001).Select(j => Lead(j, "\"SAP\""))) + "]}"),
            i => ("/api/icps", big.ToJsonString().Replace("\"weight\":1000", "\"weight\":1e27")),
            i => ("/api/icps", "{\"name\": \"" + new string('n', 900_000) + "\"}"),
            i => ("/api/taxonomy", "{\"groups\": [" + string.Join(",", Enumerable.Range(0, 30).Select(g =>
                $"{{\"field\": \"signals\", \"name\": \"g{g}\", \"members\": [\"g{g + 1}\", \"G{g + 1}\"]}}")) + "]}"),
            i => ("/api/deals", "{\"dealId\": \"\\u0000\", \"externalId\": \"x\", \"outcome\": \"won\"}"),
        };
        for (var i = sender; !stop.IsCancellationRequested; i++)
        {
            var (path, body) = payloads[i % payloads.Length](i * 4 + sender);
            var method = path == "/api/taxonomy" ? HttpMethod.Put : HttpMethod.Post;
            try
            {
                using var response = await noisy.Api.SendAsync(
                    new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") }, stop);
                Assert.True((int)response.StatusCode < 500, $"{method} {path} answered {(int)response.StatusCode}");
                sent++;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }
        return sent;
    }
}
