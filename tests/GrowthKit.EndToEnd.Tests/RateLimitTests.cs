using System.Net;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// Requests without a tenant's key — a wrong key, the admin key — are limited by client address:
/// a flood of them gets 429 problems with Retry-After, and the address's admin calls wait with them.
/// (Every test client here comes from the same address, so the test waits for the bucket to refill.)
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class RateLimitTests(GrowthKitApp system)
{
    [Fact]
    public async Task A_flood_of_requests_with_a_wrong_key_is_limited_by_address_and_admin_calls_from_it_too()
    {
        var tenant = await system.CreateTenantAsync();
        var guesser = system.ClientWithKey("gk_guessing-" + Guid.NewGuid().ToString("N"));
        var admin = system.AdminClient();
        var statuses = new List<HttpResponseMessage>();
        var adminStatuses = new List<HttpResponseMessage>();
        try
        {
            // Wrong-key guesses and admin calls side by side, from the one address, until both have met the limit.
            for (var round = 0; round < 20 && !(Limited(statuses) && Limited(adminStatuses)); round++)
            {
                var guesses = Task.WhenAll(Enumerable.Range(0, 40).Select(_ => guesser.GetAsync("/api/icps")));
                var adminCalls = Task.WhenAll(Enumerable.Range(0, 10).Select(_ => admin.GetAsync("/admin/audit-log?limit=1")));
                statuses.AddRange(await guesses);
                adminStatuses.AddRange(await adminCalls);
            }
            Assert.Contains(statuses, r => r.StatusCode == HttpStatusCode.Unauthorized);
            Assert.Contains(adminStatuses, r => r.StatusCode == HttpStatusCode.OK);
            var limited = statuses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
            Assert.Equal(429, (await limited.ReadObject())["status"]!.GetValue<int>());
            var retryAfter = limited.Headers.RetryAfter!.Delta!.Value;
            Assert.InRange(retryAfter.TotalSeconds, 1, 60);

            // The admin key comes from the same address: it waits too.
            Assert.True(Limited(adminStatuses), "no admin call was limited");
            // A tenant's key has its own budget.
            Assert.Equal(HttpStatusCode.OK, (await tenant.Api.GetAsync("/api/icps")).StatusCode);
        }
        finally
        {
            foreach (var response in statuses.Concat(adminStatuses)) response.Dispose();
        }

        // Once the bucket has refilled, the address is served again (and later tests find it full).
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.OK, (await system.AdminClient().GetAsync("/admin/audit-log?limit=1")).StatusCode);
    }

    private static bool Limited(List<HttpResponseMessage> responses) =>
        responses.Any(r => r.StatusCode == HttpStatusCode.TooManyRequests);

}
