using System.Diagnostics;
using System.Net.Http.Json;

namespace GrowthKit.EndToEnd.Tests;

[Collection(GrowthKitCollection.Name)]
public sealed class TracingTests(GrowthKitApp system)
{
    [Fact]
    public async Task One_trace_follows_a_lead_from_the_gateway_through_ingestion_and_the_broker_to_scoring()
    {
        var tenant = await system.CreateTenantAsync();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
        {
            Content = JsonContent.Create(Samples.Lead("traced-1")),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await tenant.Api.SendAsync(request);
        response.EnsureSuccessStatusCode();

        var expected = new[] { "gateway", "leads", "scoring" };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string[] seen = [];
        while (DateTime.UtcNow < deadline)
        {
            seen = system.Traces.Spans.Where(s => s.TraceId == traceId).Select(s => s.Service).Distinct().Order().ToArray();
            if (expected.All(seen.Contains)) break;
            await Task.Delay(250);
        }
        Assert.True(expected.All(seen.Contains), $"services on trace {traceId}: {string.Join(", ", seen)}");
    }
}
