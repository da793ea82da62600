using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using GrowthKit.Contracts;
using GrowthKit.Integrations.Outbound;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace GrowthKit.Integrations.Connections;

/// <summary>What a connector needs to call one tenant's CRM. The token is plain text only in memory, for the call.</summary>
public sealed record CrmAccess(Guid TenantId, string Kind, Uri BaseUrl, string Token)
{
    /// <summary>The CRM account's budget is shared by every call made for the connection.</summary>
    public string BudgetKey => $"{TenantId:N}:{Kind}";

    public override string ToString() => $"{Kind} connection of tenant {TenantId}"; // never the token
}

/// <summary>
/// One page of CRM records mapped onto the public API's shapes, and the cursor to resume after it.
/// <paramref name="Seen"/> counts the CRM records the page held, mapped or not.
/// </summary>
public sealed record CrmPage(IReadOnlyList<MappedRecord> Records, int Seen, int Contacts, string Cursor);

/// <summary>
/// A CRM: companies (with their primary contact) as leads, closed deals as outcomes, both incremental
/// from a cursor the connector alone understands; and scores written back onto the companies.
/// </summary>
public interface ICrmConnector
{
    string Kind { get; }

    /// <summary>Companies changed since <paramref name="cursor"/> (all of them when null), as leads, page by page.</summary>
    IAsyncEnumerable<CrmPage> CompaniesAsync(CrmAccess access, string? cursor, CancellationToken ct);

    /// <summary>Deals closed (won or lost) and changed since <paramref name="cursor"/>, as outcomes of their company's lead.</summary>
    IAsyncEnumerable<CrmPage> DealsAsync(CrmAccess access, string? cursor, CancellationToken ct);

    /// <summary>Writes score, tier and reasons onto the companies the scores' leads came from; returns what failed.</summary>
    Task<IReadOnlyList<SyncError>> WriteBackAsync(CrmAccess access, IReadOnlyList<RecordedScore> scores, CancellationToken ct);
}

/// <summary>A CRM answered something a sync cannot go on with; the message names the call, never the token.</summary>
public sealed class CrmException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>
/// Client-side budgets per CRM account, so a sync stays under the vendor's limits instead of living on
/// 429s: each (account, bucket) gets its own limiter, made on first use.
/// </summary>
public sealed class CrmBudgets
{
    private readonly ConcurrentDictionary<string, RateLimiter> _limiters = new();

    /// <summary>Waits for a permit of <paramref name="permits"/> calls per <paramref name="window"/> for this account and bucket.</summary>
    public async Task WaitAsync(CrmAccess access, string bucket, int permits, TimeSpan window, CancellationToken ct)
    {
        var limiter = _limiters.GetOrAdd($"{access.BudgetKey}:{bucket}", _ => new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            SegmentsPerWindow = 10,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));
        using var lease = await limiter.AcquireAsync(1, ct);
        if (!lease.IsAcquired) throw new CrmException($"The {bucket} budget of the {access.Kind} connection refused a call.");
    }
}

/// <summary>How calls to a CRM are retried after a 429 or a transient failure.</summary>
public sealed class CrmRetryOptions
{
    public const string Section = "Integrations:Http";

    public int MaxAttempts { get; set; } = 6;

    /// <summary>The first backoff (doubling, with jitter) when the CRM names no wait of its own.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(500);
}

public static class CrmHttp
{
    /// <summary>
    /// The outbound client for a CRM (public addresses only unless the platform allows private ones),
    /// retrying 429s after the vendor's <c>Retry-After</c> (or its rate-limit reset header, or
    /// <paramref name="window"/>) and transient failures with backoff.
    /// </summary>
    public static IHttpClientBuilder AddCrmHttpClient(this IServiceCollection services, string kind, TimeSpan window, IConfiguration configuration)
    {
        var retries = configuration.GetSection(CrmRetryOptions.Section).Get<CrmRetryOptions>() ?? new CrmRetryOptions();
        var builder = services.AddOutboundHttpClient(kind);
        builder.AddResilienceHandler($"{kind}-retry", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = retries.MaxAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = retries.Delay,
            ShouldRetryAfterHeader = false, // DelayGenerator reads it, and the vendors' own headers
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } limited
                ? RetryAfter(limited) ?? window
                : (TimeSpan?)null),
        }));
        return builder;
    }

    /// <summary><c>Retry-After</c> (seconds or a date), else <c>x-ratelimit-reset</c> (seconds, Pipedrive); capped at a minute.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        TimeSpan? wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => Seconds(response, "x-ratelimit-reset"),
        };
        if (wait is null) return null;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : wait;
    }

    public static TimeSpan? Seconds(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values)
        && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>Fails with the status and the start of the vendor's message (CRMs put no secrets in errors, and the token is not in the URL).</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        if (body.Length > 300) body = body[..300];
        throw new CrmException($"{what}: {(int)response.StatusCode} {response.ReasonPhrase} {body}".Trim(), response.StatusCode);
    }
}
