using System.Globalization;
using System.Threading.RateLimiting;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using Microsoft.AspNetCore.RateLimiting;

namespace GrowthKit.Gateway.RateLimiting;

/// <summary>
/// Token buckets shared by every gateway replica (<see cref="SharedRateLimiter"/>): one per tenant
/// for requests with its API key, one per client address for everything else (no key, a wrong key,
/// the admin key). Over it, 429 with <c>Retry-After</c>. The numbers are generous defaults, set per
/// deployment through configuration.
/// </summary>
public static class TenantRateLimiting
{
    public const string RequestsPerSecondKey = "GrowthKit:RateLimit:RequestsPerSecond";
    public const string BurstKey = "GrowthKit:RateLimit:Burst";
    public const string AddressRequestsPerSecondKey = "GrowthKit:RateLimit:AddressRequestsPerSecond";
    public const string AddressBurstKey = "GrowthKit:RateLimit:AddressBurst";
    public const string ItemsPerPermitKey = "GrowthKit:RateLimit:ItemsPerPermit";

    public static RateLimitSettings Settings(IConfiguration configuration)
    {
        var perSecond = configuration.GetValue(RequestsPerSecondKey, 100);
        var burst = Math.Max(perSecond, configuration.GetValue(BurstKey, 2 * perSecond));
        var addressPerSecond = configuration.GetValue(AddressRequestsPerSecondKey, perSecond);
        var addressBurst = Math.Max(addressPerSecond, configuration.GetValue(AddressBurstKey, 2 * addressPerSecond));
        return new RateLimitSettings(new BucketShape(perSecond, burst), new BucketShape(addressPerSecond, addressBurst),
            Math.Max(1, configuration.GetValue(ItemsPerPermitKey, 100)));
    }

    public static IHostApplicationBuilder AddTenantRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(Settings(builder.Configuration));
        builder.Services.AddSingleton<SharedTokenBucket>();
        builder.Services.AddHandWrittenTables(SharedTokenBucket.TableName, SharedTokenBucket.Ddl);
        builder.Services.AddSingleton<SharedRateLimiter>();
        builder.Services.AddHostedService<SharedTokenBucketUpkeep>();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IServiceProvider>((o, services) =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = services.GetRequiredService<SharedRateLimiter>();
            o.OnRejected = RejectAsync;
        });
        return builder;
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var http = rejected.HttpContext;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Type = "https://tools.ietf.org/html/rfc6585#section-4",
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"Over the rate limit (per tenant, or per client address without a tenant's key); retry after {seconds} s.",
            },
        });
    }
}
