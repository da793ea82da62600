using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.RateLimiting;

namespace GrowthKit.Gateway.RateLimiting;

/// <summary>
/// One token bucket per tenant: a steady rate with room for bursts. Over it, 429 with
/// <c>Retry-After</c>. The numbers are generous defaults, set per deployment through configuration.
/// </summary>
public static class TenantRateLimiting
{
    public const string PolicyName = "per-tenant";
    public const string RequestsPerSecondKey = "GrowthKit:RateLimit:RequestsPerSecond";
    public const string BurstKey = "GrowthKit:RateLimit:Burst";

    public static IHostApplicationBuilder AddTenantRateLimiting(this IHostApplicationBuilder builder)
    {
        var perSecond = builder.Configuration.GetValue(RequestsPerSecondKey, 100);
        var burst = Math.Max(perSecond, builder.Configuration.GetValue(BurstKey, 2 * perSecond));

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(PolicyName, context =>
                context.User.FindFirstValue(InternalToken.TenantClaim) is { } tenant
                    ? RateLimitPartition.GetTokenBucketLimiter(tenant, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = burst,
                        TokensPerPeriod = perSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
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
                Detail = $"The tenant is over its rate; retry after {seconds} s.",
            },
        });
    }
}
