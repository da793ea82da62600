using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using StandardWebhooks;

namespace GrowthKit.Integrations.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Waits before each retry of a failed delivery, after the first attempt (which is immediate): the Standard
    /// Webhooks recommendation, about 28 hours in all. Each wait is spread by ±<see cref="Jitter"/>.
    /// </summary>
    public static readonly TimeSpan[] StandardSchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    // Null by default: the configuration binder appends to an array it finds, so the default lives apart.
    public TimeSpan[]? RetrySchedule { get; set; }

    public IReadOnlyList<TimeSpan> Schedule => RetrySchedule is { Length: > 0 } configured ? configured : StandardSchedule;

    public double Jitter { get; set; } = 0.2;

    /// <summary>How long an endpoint has to answer one delivery.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the dispatcher looks for due deliveries when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Endpoints sent to at once by one instance; each endpoint gets one delivery at a time, in order.</summary>
    public int MaxEndpointsInFlight { get; set; } = 32;

    /// <summary>Deliveries taken for one endpoint at a time.</summary>
    public int DeliveriesPerEndpoint { get; set; } = 20;

    /// <summary>A webhook may hold at most this many per tenant.</summary>
    public int MaxWebhooksPerTenant { get; set; } = 20;
}

/// <summary>Wakes the dispatcher when deliveries were added.</summary>
public sealed class WebhookSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Raise()
    {
        if (_signal.CurrentCount == 0) try { _signal.Release(); } catch (SemaphoreFullException) { }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>
/// Sends the outbox: due deliveries are claimed from PostgreSQL (so two instances share them), grouped by webhook,
/// and each endpoint is served by a task of its own, one delivery at a time with a timeout, so one tenant's slow or
/// failing endpoint delays only itself. Each attempt is signed per Standard Webhooks (headers webhook-id — the same on
/// every retry —, webhook-timestamp, webhook-signature), recorded, and followed by a retry on the schedule; a 410
/// disables the webhook. Connections go through the outbound client, which refuses private addresses unless allowed.
/// </summary>
public sealed class WebhookDispatcher(WebhookStore store, WebhookSignal signal, IHttpClientFactory http, IDataProtectionProvider protection,
    TimeProvider clock, IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";
    private readonly ConcurrentDictionary<Guid, Task> _inFlight = new();
    private readonly IDataProtector _secrets = WebhookSecrets.Protector(protection);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var room = o.MaxEndpointsInFlight - _inFlight.Count;
                if (room > 0)
                {
                    var lease = o.Timeout * o.DeliveriesPerEndpoint + TimeSpan.FromMinutes(1);
                    var due = await store.ClaimDueAsync([.. _inFlight.Keys], o.DeliveriesPerEndpoint, room * o.DeliveriesPerEndpoint, lease,
                        stoppingToken);
                    foreach (var endpoint in due.GroupBy(d => d.WebhookId).Take(room))
                    {
                        var deliveries = endpoint.ToList();
                        _inFlight[endpoint.Key] = Task.Run(() => SendAllAsync(endpoint.Key, deliveries, o, stoppingToken), CancellationToken.None);
                    }
                }
                await signal.WaitAsync(o.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "The webhook dispatcher failed to claim deliveries; it tries again");
                await Task.Delay(o.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        await Task.WhenAll(_inFlight.Values);
    }

    private async Task SendAllAsync(Guid webhookId, IReadOnlyList<DueDelivery> deliveries, WebhookOptions o, CancellationToken ct)
    {
        try
        {
            foreach (var delivery in deliveries)
            {
                if (ct.IsCancellationRequested) return;
                // A 410 disables the webhook: what remains of the batch waits (and goes nowhere while it is disabled).
                if (await SendAsync(delivery, o, ct)) return;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Sending to webhook {WebhookId} failed; its deliveries are tried again when their lease ends", webhookId);
        }
        finally
        {
            _inFlight.TryRemove(webhookId, out _);
            signal.Raise();
        }
    }

    /// <summary>One attempt; true when the endpoint answered 410 and the webhook was disabled.</summary>
    private async Task<bool> SendAsync(DueDelivery delivery, WebhookOptions o, CancellationToken ct)
    {
        var attempt = delivery.Attempts + 1;
        var startedAt = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        int? status = null;
        string? error = null;
        try
        {
            var secret = _secrets.Unprotect(delivery.ProtectedSecret);
            var messageId = WebhookSecrets.MessageId(delivery.DeliveryId);
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("webhook-id", messageId);
            request.Headers.Add("webhook-timestamp", startedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", new StandardWebhook(secret).Sign(messageId, startedAt, delivery.Payload));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(o.Timeout);
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"No answer within {o.Timeout.TotalSeconds:0.#} s.";
        }
        catch (HttpRequestException e)
        {
            // The message names the host and the failure, never the secret or the body.
            error = e.Message;
        }
        var outcome = WebhookRetry.Decide(status, attempt, o, startedAt, Random.Shared.NextDouble());
        await store.RecordAttemptAsync(delivery, new DeliveryAttempt(attempt, startedAt, status, error, (int)watch.ElapsedMilliseconds),
            outcome.Delivered, outcome.NextAttemptAt, outcome.Disable, CancellationToken.None);
        if (!outcome.Delivered)
        {
            logger.LogInformation("Webhook {WebhookId} delivery {DeliveryId} attempt {Attempt}: {Status} {Error}; next {Next}",
                delivery.WebhookId, delivery.DeliveryId, attempt, status, error, outcome.NextAttemptAt);
        }
        return outcome.Disable is not null;
    }
}

/// <summary>What follows an attempt: pure, so the schedule is unit-tested.</summary>
public static class WebhookRetry
{
    public sealed record Outcome(bool Delivered, DateTimeOffset? NextAttemptAt, string? Disable);

    /// <param name="status">The endpoint's status code, or null when it did not answer.</param>
    /// <param name="attempt">The attempt just made, 1-based.</param>
    /// <param name="random">A number in [0, 1) that spreads the wait by ± the jitter.</param>
    public static Outcome Decide(int? status, int attempt, WebhookOptions o, DateTimeOffset now, double random)
    {
        if (status is >= 200 and < 300) return new Outcome(true, null, null);
        if (status == StatusCodes.Status410Gone) return new Outcome(false, null, "The endpoint answered 410 Gone.");
        if (attempt > o.Schedule.Count) return new Outcome(false, null, null);
        var wait = o.Schedule[attempt - 1];
        var spread = 1 + o.Jitter * (2 * random - 1);
        return new Outcome(false, now + wait * spread, null);
    }
}

/// <summary>Webhook secrets: made, encrypted at rest with Data Protection, and the message ids deliveries are signed with.</summary>
public static class WebhookSecrets
{
    public const string Prefix = "whsec_";

    public static IDataProtector Protector(IDataProtectionProvider provider) => provider.CreateProtector("GrowthKit.Integrations.Webhooks.Secret.v1");

    /// <summary>24 random bytes, base64, with the prefix the Standard Webhooks libraries read.</summary>
    public static string New() => Prefix + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    /// <summary>The webhook-id of a delivery: the same on every retry, so a receiver can recognise a duplicate.</summary>
    public static string MessageId(Guid deliveryId) => "msg_" + deliveryId.ToString("N");
}
