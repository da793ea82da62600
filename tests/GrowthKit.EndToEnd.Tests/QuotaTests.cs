using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// Monthly lead quotas and usage metering through the running system: each lead, score and deal
/// counts once however often its request is retried or its batch re-sent; over the quota, lead and
/// deal writes get 429 quota-exceeded until the next calendar month.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class QuotaTests(GrowthKitApp system)
{
    [Fact]
    public async Task Retries_and_resent_batches_count_once_and_writes_over_the_quota_get_429_until_next_month()
    {
        var tenant = await system.CreateTenantAsync();
        var admin = system.AdminClient();
        await tenant.Api.Publish(await tenant.Api.CreateIcp());
        using (var set = await admin.PutAsJsonAsync($"/admin/tenants/{tenant.TenantId}/quota", new { leadsPerMonth = 3 }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            Assert.Equal(3, (await set.ReadObject())["leadsPerMonth"]!.GetValue<int>());
        }

        // A batch of two, retried with its Idempotency-Key, then re-sent without one: two leads.
        var batch = new JsonObject { ["leads"] = new JsonArray(Samples.Lead("q-1"), Samples.Lead("q-2")) };
        string? leadId = null;
        for (var i = 0; i < 2; i++)
        {
            using var sent = await Send(tenant.Api, "/api/leads/batch", batch, "batch-key");
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            leadId = (await sent.ReadObject())["accepted"]![0]!["leadId"]!.GetValue<string>();
        }
        using (var resent = await Send(tenant.Api, "/api/leads/batch", batch, null))
        {
            Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        }
        // A deal, sent twice with its own id: one.
        for (var i = 0; i < 2; i++)
        {
            using var deal = await tenant.Api.PostAsJsonAsync("/api/deals", new { dealId = "d-1", leadId, outcome = "won" });
            Assert.Equal(HttpStatusCode.Accepted, deal.StatusCode);
        }
        // One lead, retried with its key: the third, which reaches the quota.
        for (var i = 0; i < 2; i++)
        {
            using var sent = await Send(tenant.Api, "/api/leads", Samples.Lead("q-3"), "single-key");
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        var usage = await WaitForUsageAsync(admin, $"/admin/tenants/{tenant.TenantId}/usage", u => u["leadsScored"]!.GetValue<long>() >= 3);
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM"), usage["period"]!.GetValue<string>());
        Assert.Equal(3, usage["leadsAccepted"]!.GetValue<long>());
        Assert.Equal(3, usage["leadsScored"]!.GetValue<long>());
        Assert.Equal(1, usage["dealsAccepted"]!.GetValue<long>());
        Assert.Equal(3, usage["quota"]!["leadsPerMonth"]!.GetValue<int>());

        // The quota is used up: a new lead, a changed lead (a new snapshot), a batch, a new deal — all 429.
        var changed = Samples.Lead("q-1", employees: 300);
        foreach (var (path, body) in new (string, JsonNode)[]
                 {
                     ("/api/leads", Samples.Lead("q-4")),
                     ("/api/leads", changed),
                     ("/api/leads/batch", new JsonObject { ["leads"] = new JsonArray(Samples.Lead("q-5")) }),
                     ("/api/deals", new JsonObject { ["dealId"] = "d-2", ["leadId"] = leadId, ["outcome"] = "lost" }),
                 })
        {
            var sentAt = DateTime.UtcNow;
            using var refused = await Send(tenant.Api, path, body, null);
            await AssertQuotaExceededAsync(refused, path, sentAt);
        }
        // An unchanged lead records nothing, so it is no write over the quota.
        using (var unchanged = await Send(tenant.Api, "/api/leads", Samples.Lead("q-2"), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, unchanged.StatusCode);
        }

        // The tenant sees the same figures (any read scope will do).
        var reader = system.ClientWithKey(await IssueKeyAsync(tenant.TenantId, "icps:read"));
        var own = await (await reader.GetAsync("/api/usage")).ReadObject();
        Assert.Equal(3, own["leadsAccepted"]!.GetValue<long>());
        Assert.Equal(1, own["dealsAccepted"]!.GetValue<long>());
        Assert.Equal(3, own["quota"]!["leadsPerMonth"]!.GetValue<int>());
        var writer = system.ClientWithKey(await IssueKeyAsync(tenant.TenantId, "leads:write"));
        Assert.Equal(HttpStatusCode.Forbidden, (await writer.GetAsync("/api/usage")).StatusCode);

        // Without the quota, writes go through again, and count.
        using (var removed = await admin.PutAsJsonAsync($"/admin/tenants/{tenant.TenantId}/quota", new { leadsPerMonth = (int?)null }))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }
        using (var accepted = await Send(tenant.Api, "/api/leads", Samples.Lead("q-4"), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        var after = await (await admin.GetAsync($"/admin/tenants/{tenant.TenantId}/usage")).ReadObject();
        Assert.Equal(4, after["leadsAccepted"]!.GetValue<long>());
        Assert.Null(after["quota"]);
        Assert.True(after.ContainsKey("quota"));
    }

    [Fact]
    public async Task Usage_of_another_month_is_zero_and_bad_input_is_a_problem()
    {
        var tenant = await system.CreateTenantAsync();
        var admin = system.AdminClient();

        var past = await (await admin.GetAsync($"/admin/tenants/{tenant.TenantId}/usage?period=2020-01")).ReadObject();
        Assert.Equal("2020-01", past["period"]!.GetValue<string>());
        Assert.Equal(0, past["leadsAccepted"]!.GetValue<long>());

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/admin/tenants/{tenant.TenantId}/usage?period=2020-13")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Api.GetAsync("/api/usage?period=january")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/tenants/{Guid.NewGuid()}/usage")).StatusCode);
        using var negative = await admin.PutAsJsonAsync($"/admin/tenants/{tenant.TenantId}/quota", new { leadsPerMonth = -1 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, negative.StatusCode);
        using var text = await admin.PutAsync($"/admin/tenants/{tenant.TenantId}/quota",
            new StringContent("""{"leadsPerMonth": "many"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Api.GetAsync($"/admin/tenants/{tenant.TenantId}/usage")).StatusCode);
    }

    private static async Task AssertQuotaExceededAsync(HttpResponseMessage response, string path, DateTime sentAt)
    {
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests,
            $"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var problem = await response.ReadObject();
        Assert.EndsWith("quota-exceeded", problem["type"]!.GetValue<string>());
        // Whole seconds to the next calendar month (UTC), counted while the request was on its way.
        var nextMonth = new DateTime(sentAt.Year, sentAt.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
        var retryAfter = response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(retryAfter, Math.Floor((nextMonth - DateTime.UtcNow).TotalSeconds), Math.Ceiling((nextMonth - sentAt).TotalSeconds));
    }

    private static async Task<HttpResponseMessage> Send(HttpClient api, string path, JsonNode body, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await api.SendAsync(request);
    }

    private async Task<string> IssueKeyAsync(Guid tenantId, string scope)
    {
        using var issued = await system.AdminClient().PostAsJsonAsync($"/admin/tenants/{tenantId}/api-keys",
            new { name = scope, scopes = new[] { scope } });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        return (await issued.ReadObject())["apiKey"]!.GetValue<string>();
    }

    /// <summary>Scoring counts asynchronously: poll until <paramref name="done"/> holds.</summary>
    private static async Task<JsonObject> WaitForUsageAsync(HttpClient client, string path, Func<JsonObject, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            last = await response.ReadObject();
            if (done(last)) return last;
            await Task.Delay(250);
        }
        throw new TimeoutException($"usage never reached the expected state; last: {last?.ToJsonString()}");
    }
}
