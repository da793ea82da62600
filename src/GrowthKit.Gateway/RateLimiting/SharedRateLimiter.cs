using System.Net;
using System.Text.Json;
using System.Threading.RateLimiting;
using GrowthKit.Gateway.Authentication;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Npgsql;

namespace GrowthKit.Gateway.RateLimiting;

/// <summary>Who a request is charged to, and how much it costs.</summary>
public readonly record struct RateCharge(string Partition, double Cost, BucketShape Shape);

/// <summary>
/// The gateway's one rate limit, shared by every replica through <see cref="SharedTokenBucket"/>.
/// A request with a tenant's valid API key is charged to the tenant; every other request — no key,
/// a wrong or expired key, the admin key, the documents, the web app — to its client address. A
/// batch costs one plus one per <see cref="RateLimitSettings.ItemsPerPermit"/> items. Health probes
/// are free. The check needs the database, so <see cref="AttemptAcquireCore"/> always defers to
/// <see cref="AcquireAsyncCore"/> (the middleware calls it next); should the database not answer,
/// the request goes through rather than the gateway failing with it.
/// </summary>
public sealed class SharedRateLimiter(SharedTokenBucket buckets, RateLimitSettings settings, ILogger<SharedRateLimiter> logger)
    : PartitionedRateLimiter<HttpContext>
{
    private static readonly string[] Batches = ["/api/leads/batch", "/api/deals/batch"];
    private static readonly string[] Free = ["/health", "/alive"];

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => Lease.Deferred;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext context, int permitCount, CancellationToken ct)
    {
        if (Free.Any(p => context.Request.Path.StartsWithSegments(p))) return Lease.Granted;

        var charge = await ChargeAsync(context, ct);
        try
        {
            var take = await buckets.TakeAsync(charge.Partition, charge.Cost, charge.Shape, ct);
            return take.Granted ? Lease.Granted : new Lease(false, take.RetryAfter);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "The rate-limit store did not answer; the request goes through unlimited");
            return Lease.Granted;
        }
    }

    /// <summary>The tenant when the request carries a valid tenant key (authenticated once: the result is reused by authorization).</summary>
    public async Task<RateCharge> ChargeAsync(HttpContext context, CancellationToken ct)
    {
        var cost = await CostAsync(context.Request, settings.ItemsPerPermit, ct);
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            var result = await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
            if (result.Succeeded && result.Principal.FindFirst(InternalToken.TenantClaim)?.Value is { } tenant)
            {
                return new RateCharge("tenant:" + tenant, cost, settings.Tenant);
            }
        }
        return new RateCharge("address:" + Address(context.Connection.RemoteIpAddress), cost, settings.Address);
    }

    /// <summary>IPv4 seen through IPv6 counts as the IPv4 address; no address (in-process tests) counts as one client.</summary>
    public static string Address(IPAddress? address) =>
        address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    /// <summary>
    /// One for a request; for a batch, one plus its items divided by <paramref name="itemsPerPermit"/>.
    /// The items are counted from the body (kept buffered for the service behind); a body that is not a
    /// readable batch costs one, and the service answers it with its own problem.
    /// </summary>
    public static async Task<double> CostAsync(HttpRequest request, int itemsPerPermit, CancellationToken ct)
    {
        if (!HttpMethods.IsPost(request.Method)
            || !Batches.Any(b => string.Equals(request.Path.Value?.TrimEnd('/'), b, StringComparison.OrdinalIgnoreCase)))
        {
            return 1;
        }
        if (request.ContentLength is > Proxy.ProxyRoutes.MaxRequestBodySize) return 1;

        request.EnableBuffering(bufferThreshold: 1024 * 1024, bufferLimit: Proxy.ProxyRoutes.MaxRequestBodySize);
        try
        {
            var items = await CountItemsAsync(request.Body, ct);
            return 1 + Math.Ceiling(items / (double)itemsPerPermit);
        }
        catch (Exception e) when (e is JsonException or IOException or BadHttpRequestException)
        {
            return 1;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    /// <summary>The elements of the first array property of a JSON object (<c>{"leads": [...]}</c>), read token by token.</summary>
    public static async Task<int> CountItemsAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct);
        return CountItems(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public static int CountItems(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }
            var count = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                count++;
                reader.Skip();
            }
            return count;
        }
        return 0;
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease Deferred = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}

/// <summary>The limits, from configuration (<c>GrowthKit:RateLimit:*</c>).</summary>
public sealed record RateLimitSettings(BucketShape Tenant, BucketShape Address, int ItemsPerPermit);
