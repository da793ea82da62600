using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using GrowthKit.Services.Tests.Infrastructure;
using GrowthKit.Services.Tests.Relay;

namespace GrowthKit.Services.Tests.Leads;

/// <summary>
/// The leads service meters accepted leads in the transaction that records them, and holds the
/// quota the token carries even when requests race for its last places.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class LeadQuotaTests(TestServers servers, LeadRelayHarness harness)
    : IClassFixture<LeadRelayHarness>, IAsyncLifetime
{
    public Task InitializeAsync() => harness.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Batches_racing_past_the_quota_record_exactly_up_to_it_and_the_rest_get_429()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant, leadsPerMonth: 10);

        // Eight batches of two new leads at once: five fit in a quota of ten, three do not.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => api.PostAsync("/api/leads/batch",
            new StringContent($$$"""{"leads": [{"externalId": "race-{{{i}}}-a", "company": {"name": "A"}}, {"externalId": "race-{{{i}}}-b", "company": {"name": "B"}}]}""",
                Encoding.UTF8, "application/json"))));

        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(3, refused.Count);
        var problem = await refused[0].Content.ReadFromJsonAsync<JsonObject>();
        Assert.EndsWith("quota-exceeded", problem!["type"]!.GetValue<string>());
        Assert.True(refused[0].Headers.RetryAfter!.Delta > TimeSpan.Zero);

        using var platform = harness.PlatformClient();
        var usage = await platform.GetFromJsonAsync<JsonObject>($"/internal/usage/{tenant}");
        Assert.Equal(10, usage!["counters"]!["leadsAccepted"]!.GetValue<long>());
        // A tenant's token cannot read the meter.
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync($"/internal/usage/{tenant}")).StatusCode);
    }
}
