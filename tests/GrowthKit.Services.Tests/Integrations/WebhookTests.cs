using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Integrations.Webhooks;
using GrowthKit.Services.Tests.Infrastructure;
using MassTransit;
using StandardWebhooks;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>
/// Webhooks against the real service, PostgreSQL and RabbitMQ: the platform's messages are published on the broker,
/// deliveries arrive at a receiver on loopback (private addresses are allowed for this fixture), signed per Standard
/// Webhooks and checked with the StandardWebhooks package's own verifier.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class WebhookTests(TestServers servers, IntegrationsService integrations) : IClassFixture<IntegrationsService>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        await integrations.StartAsync(servers);
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static RecordedScore Score(Guid leadId, Guid icpId, int version, decimal score, string tier) =>
        new(leadId, "crm-" + leadId.ToString("N")[..6], icpId, version, 1, score, tier, null, ["industry", "size"], DateTimeOffset.UtcNow);

    private async Task<(Guid WebhookId, string Secret)> RegisterAsync(HttpClient api, string url, params string[] events)
    {
        using var response = await api.PostAsJsonAsync("/api/webhooks", new { url, events });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {body}");
        var created = JsonNode.Parse(body)!;
        return (created["webhookId"]!.GetValue<Guid>(), created["secret"]!.GetValue<string>());
    }

    private static async Task<JsonArray> DeliveriesAsync(HttpClient api, Guid webhookId) =>
        (await api.GetFromJsonAsync<JsonObject>($"/api/webhooks/{webhookId}/deliveries"))!["items"]!.AsArray();

    private Task<IReadOnlyList<WebhookReceiver.Received>> ReceivedAsync(string url, int count) =>
        Eventually.Until(() => Task.FromResult(_receiver.At(url)), r => r.Count >= count, $"{count} deliveries at {url}");

    private static void Verify(string secret, WebhookReceiver.Received received) =>
        new StandardWebhook(secret).Verify(received.Body, received.Headers);

    [Fact]
    public async Task A_score_is_delivered_signed_and_a_changed_tier_is_delivered_as_lead_tier_changed()
    {
        var tenant = Guid.NewGuid();
        using var api = integrations.ClientFor(tenant);
        var url = _receiver.Endpoint();
        var (webhookId, secret) = await RegisterAsync(api, url, WebhookEvents.LeadScored, WebhookEvents.LeadTierChanged);
        Assert.StartsWith("whsec_", secret);

        var lead = Guid.NewGuid();
        var icp = Guid.NewGuid();
        var first = new ScoresRecorded(tenant, [Score(lead, icp, 1, 63.6m, "B")]);
        await integrations.Bus.Publish(first);
        var received = Assert.Single(await ReceivedAsync(url, 1));
        Verify(secret, received);
        var body = JsonNode.Parse(received.Body)!;
        Assert.Equal("lead.scored", body["type"]!.GetValue<string>());
        Assert.Equal((lead, icp, 63.6m, "B"), (body["data"]!["leadId"]!.GetValue<Guid>(), body["data"]!["icpId"]!.GetValue<Guid>(),
            body["data"]!["score"]!.GetValue<decimal>(), body["data"]!["tier"]!.GetValue<string>()));
        Assert.Equal(["industry", "size"], body["data"]!["reasons"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.StartsWith("msg_", received.Headers["webhook-id"].ToString());
        Assert.StartsWith("v1,", received.Headers["webhook-signature"].ToString());

        // A tampered body or another secret does not verify.
        Assert.ThrowsAny<Exception>(() => new StandardWebhook(secret).Verify(received.Body.Replace("63.6", "99.9"), received.Headers));
        Assert.ThrowsAny<Exception>(() => new StandardWebhook(WebhookSecrets.New()).Verify(received.Body, received.Headers));

        // The same message again (at-least-once) adds nothing; a re-scoring to tier A is a score and a tier change.
        await integrations.Bus.Publish(first);
        await integrations.Bus.Publish(new ScoresRecorded(tenant, [Score(lead, icp, 2, 81m, "A")]));
        var all = await ReceivedAsync(url, 3);
        await Task.Delay(500);
        all = _receiver.At(url);
        Assert.Equal(3, all.Count);
        all.ToList().ForEach(r => Verify(secret, r));
        var change = JsonNode.Parse(Assert.Single(all, r => r.Body.Contains("lead.tier_changed", StringComparison.Ordinal)).Body)!["data"]!;
        Assert.Equal(("B", "A", 2), (change["previousTier"]!.GetValue<string>(), change["tier"]!.GetValue<string>(),
            change["icpVersion"]!.GetValue<int>()));

        var log = await DeliveriesAsync(api, webhookId);
        Assert.Equal(3, log.Count);
        Assert.All(log, d =>
        {
            Assert.Equal("delivered", d!["status"]!.GetValue<string>());
            Assert.Equal(200, Assert.Single(d["attemptLog"]!.AsArray())!["statusCode"]!.GetValue<int>());
        });

        // The list shows the webhook, never its secret.
        var listed = await api.GetStringAsync("/api/webhooks");
        Assert.Contains(webhookId.ToString(), listed);
        Assert.DoesNotContain(secret, listed);
        Assert.DoesNotContain("secret", listed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Failed_deliveries_are_retried_on_the_schedule_with_the_same_id_until_accepted_or_the_schedule_ends()
    {
        var tenant = Guid.NewGuid();
        using var api = integrations.ClientFor(tenant);
        var flaky = _receiver.Endpoint(n => Task.FromResult(n <= 2 ? 500 : 200));
        var down = _receiver.Endpoint(_ => Task.FromResult(503));
        var (flakyId, secret) = await RegisterAsync(api, flaky, WebhookEvents.IcpPublished);
        var (downId, _) = await RegisterAsync(api, down, WebhookEvents.IcpPublished);

        var icpId = Guid.NewGuid();
        await integrations.Bus.Publish(new IcpVersionPublished(tenant, icpId, 3, JsonSerializer.SerializeToElement(new { name = "x" }),
            "alice", "why", DateTimeOffset.UtcNow));

        var attempts = await ReceivedAsync(flaky, 3);
        Assert.Single(attempts.Select(a => a.Headers["webhook-id"].ToString()).Distinct());
        Assert.All(attempts, a => Verify(secret, a));
        Assert.Equal(("icp.published", 3), (JsonNode.Parse(attempts[0].Body)!["type"]!.GetValue<string>(),
            JsonNode.Parse(attempts[0].Body)!["data"]!["version"]!.GetValue<int>()));

        var delivered = Assert.Single(await Eventually.Until(() => DeliveriesAsync(api, flakyId),
            l => l.Count == 1 && l[0]!["status"]!.GetValue<string>() == "delivered", "the flaky delivery delivered"))!;
        Assert.Equal([(1, 500), (2, 500), (3, 200)], delivered["attemptLog"]!.AsArray()
            .Select(a => (a!["attempt"]!.GetValue<int>(), a["statusCode"]!.GetValue<int>())));
        Assert.Equal("icp.published", delivered["eventType"]!.GetValue<string>());

        // Two retries in this fixture's schedule: the third failure is the last.
        var failed = Assert.Single(await Eventually.Until(() => DeliveriesAsync(api, downId),
            l => l.Count == 1 && l[0]!["status"]!.GetValue<string>() == "failed", "the delivery to the failing endpoint given up"))!;
        Assert.Equal(3, failed["attemptLog"]!.AsArray().Count);
        Assert.Null(failed["nextAttemptAt"]);
        Assert.Equal(3, _receiver.At(down).Count);
    }

    [Fact]
    public async Task A_410_disables_the_webhook_and_nothing_more_is_sent_to_it()
    {
        var tenant = Guid.NewGuid();
        using var api = integrations.ClientFor(tenant);
        var gone = _receiver.Endpoint(_ => Task.FromResult(410));
        var (webhookId, _) = await RegisterAsync(api, gone, WebhookEvents.ProposalCreated);
        // A second, healthy endpoint of the same tenant shows when a later event has been handled.
        var witness = _receiver.Endpoint();
        await RegisterAsync(api, witness, WebhookEvents.ProposalCreated);

        ProposalCreated Proposal() => new(tenant, Guid.NewGuid(), Guid.NewGuid(), 1, JsonSerializer.SerializeToElement(new[] { new { key = "size" } }),
            JsonSerializer.SerializeToElement(new { holdoutDeals = 10 }), 0.6, 0.7, DateTimeOffset.UtcNow);
        await integrations.Bus.Publish(Proposal());
        await ReceivedAsync(gone, 1);
        var webhook = await Eventually.Until(async () => (await api.GetFromJsonAsync<JsonObject>("/api/webhooks"))!["items"]!.AsArray().Single(w => w!["webhookId"]!.GetValue<Guid>() == webhookId)!,
            w => w["status"]!.GetValue<string>() == "disabled", "the webhook disabled");
        Assert.Contains("410", webhook["disabledReason"]!.GetValue<string>());
        var log = Assert.Single(await DeliveriesAsync(api, webhookId))!;
        Assert.Equal(("failed", 410), (log["status"]!.GetValue<string>(), log["attemptLog"]![0]!["statusCode"]!.GetValue<int>()));

        await integrations.Bus.Publish(Proposal());
        // Once the witness has the second event, its deliveries were written (one transaction for every
        // webhook of the tenant): the disabled one got none, and its endpoint saw only the first.
        await ReceivedAsync(witness, 2);
        Assert.Single(await DeliveriesAsync(api, webhookId));
        Assert.Single(_receiver.At(gone));
    }

    [Fact]
    public async Task A_slow_endpoint_does_not_hold_up_another_tenants_deliveries()
    {
        var slowTenant = Guid.NewGuid();
        var fastTenant = Guid.NewGuid();
        using var slowApi = integrations.ClientFor(slowTenant);
        using var fastApi = integrations.ClientFor(fastTenant);
        var release = new TaskCompletionSource();
        var slow = _receiver.Endpoint(async _ =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return 200;
        });
        var fast = _receiver.Endpoint();
        await RegisterAsync(slowApi, slow, WebhookEvents.LeadScored);
        await RegisterAsync(fastApi, fast, WebhookEvents.LeadScored);

        await integrations.Bus.Publish(new ScoresRecorded(slowTenant, [.. Enumerable.Range(0, 5).Select(_ => Score(Guid.NewGuid(), Guid.NewGuid(), 1, 50, "B"))]));
        await ReceivedAsync(slow, 1);
        await integrations.Bus.Publish(new ScoresRecorded(fastTenant, [Score(Guid.NewGuid(), Guid.NewGuid(), 1, 90, "A")]));
        await Eventually.Until(() => _receiver.At(fast).Count == 1, "the fast tenant's delivery while the slow endpoint hangs", TimeSpan.FromSeconds(5));
        Assert.Single(_receiver.At(slow));
        release.SetResult();
    }

    [Fact]
    public async Task Registration_checks_url_and_events_and_a_tenant_sees_only_its_own_webhooks()
    {
        var tenant = Guid.NewGuid();
        using var api = integrations.ClientFor(tenant);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync("/api/webhooks", new { url = "not a url", events = new[] { "lead.scored" } })).StatusCode);
        // A well-formed registration naming an event there is not breaks a rule: 422, like an unknown operator.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsJsonAsync("/api/webhooks", new { url = _receiver.Endpoint(), events = new[] { "lead.eaten" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync("/api/webhooks", new { url = _receiver.Endpoint() })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await api.PostAsJsonAsync("/api/webhooks", new { url = "ftp://example.com/x", events = new[] { "lead.scored" } })).StatusCode);

        var (webhookId, _) = await RegisterAsync(api, _receiver.Endpoint(), WebhookEvents.All);
        using var other = integrations.ClientFor(Guid.NewGuid());
        Assert.Empty((await other.GetFromJsonAsync<JsonObject>("/api/webhooks"))!["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/webhooks/{webhookId}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/webhooks/{webhookId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/webhooks/{webhookId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/api/webhooks/{webhookId}")).StatusCode);
    }

    [Fact]
    public void The_retry_schedule_follows_standard_webhooks_with_jitter_and_ends()
    {
        var o = new WebhookOptions();
        var now = DateTimeOffset.UnixEpoch;
        Assert.True(WebhookRetry.Decide(204, 1, o, now, 0.5).Delivered);
        Assert.Equal(now + TimeSpan.FromSeconds(5), WebhookRetry.Decide(500, 1, o, now, 0.5).NextAttemptAt);
        Assert.Equal(now + TimeSpan.FromMinutes(5) * 0.8, WebhookRetry.Decide(null, 2, o, now, 0).NextAttemptAt);
        Assert.Equal(now + TimeSpan.FromHours(10), WebhookRetry.Decide(429, 7, o, now, 0.5).NextAttemptAt);
        var end = WebhookRetry.Decide(500, 8, o, now, 0.5);
        Assert.Equal((false, null, null), (end.Delivered, end.NextAttemptAt, end.Disable));
        Assert.NotNull(WebhookRetry.Decide(410, 1, o, now, 0.5).Disable);
        // Up to a day and more in all (27.6 h without jitter).
        Assert.InRange(WebhookOptions.StandardSchedule.Aggregate(TimeSpan.Zero, (a, b) => a + b), TimeSpan.FromDays(1), TimeSpan.FromDays(1.2));
    }
}

/// <summary>The service as production runs it: outbound calls only to public addresses.</summary>
public sealed class PublicOnlyIntegrationsService : IAsyncLifetime
{
    public IntegrationsService Service { get; } = new();

    public Task InitializeAsync()
    {
        Service.Settings["GrowthKit:AllowPrivateNetworks"] = "false";
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Service.DisposeAsync();
}

[Collection(ServersCollection.Name)]
public sealed class WebhookSsrfTests(TestServers servers, PublicOnlyIntegrationsService fixture) : IClassFixture<PublicOnlyIntegrationsService>
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://[::1]/hook")]
    public async Task A_loopback_or_private_url_is_refused_when_private_networks_are_not_allowed(string url)
    {
        await fixture.Service.StartAsync(servers);
        using var api = fixture.Service.ClientFor(Guid.NewGuid());
        using var response = await api.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "lead.scored" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("url"));
        Assert.Empty((await api.GetFromJsonAsync<JsonObject>("/api/webhooks"))!["items"]!.AsArray());
    }
}
