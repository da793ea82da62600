using System.Net;
using System.Text;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// Requests without a tenant's valid key are limited by client address, batches weighed by their
/// items: a flood of big batches with a guessed key gets 429 problems with Retry-After while a
/// tenant's own budget is untouched. (Every client here comes from one address, so the test waits
/// for that bucket to refill before it ends. That admin calls share the address's bucket is shown
/// against a real PostgreSQL in GrowthKit.Services.Tests' SharedRateLimiterTests.)
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class RateLimitTests(GrowthKitApp system)
{
    [Fact]
    public async Task A_flood_of_batches_with_a_guessed_key_is_limited_by_address_and_a_tenant_keeps_its_budget()
    {
        var tenant = await system.CreateTenantAsync();
        var guesser = system.ClientWithKey("gk_guessing-" + Guid.NewGuid().ToString("N"));
        // 1,000 small items: 11 permits each, so a few dozen requests empty a bucket of 200 whatever the machine's speed.
        var batch = "{\"leads\": [" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"{{\"externalId\": \"g-{i}\"}}")) + "]}";
        var responses = new List<HttpResponseMessage>();
        try
        {
            for (var round = 0; round < 20 && !responses.Any(r => r.StatusCode == HttpStatusCode.TooManyRequests); round++)
            {
                responses.AddRange(await Task.WhenAll(Enumerable.Range(0, 30).Select(_ =>
                    guesser.PostAsync("/api/leads/batch", new StringContent(batch, Encoding.UTF8, "application/json")))));
            }
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Unauthorized);
            var limited = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.True(limited is not null, $"no 429 in {responses.Count} guesses");
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
            Assert.Equal(429, (await limited.ReadObject())["status"]!.GetValue<int>());
            Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);

            // The tenant's key draws on the tenant's own bucket.
            Assert.Equal(HttpStatusCode.OK, (await tenant.Api.GetAsync("/api/icps")).StatusCode);
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }

        // Once the address's bucket has refilled, its requests are served again (and later tests find it full).
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.OK, (await system.AdminClient().GetAsync("/admin/audit-log?limit=1")).StatusCode);
    }
}
