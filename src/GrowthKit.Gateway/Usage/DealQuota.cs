using GrowthKit.Platform.Persistence.Metering;
using GrowthKit.ServiceDefaults.Tenancy;

namespace GrowthKit.Gateway.Usage;

/// <summary>
/// Deals count against the tenant's lead quota: once the month's accepted leads reach it, deal
/// writes are refused too (429 quota-exceeded). The leads service keeps that count; refinement
/// does not see it (each service reads only its own schema), so the gateway asks the leads service
/// — only for tenants with a quota, and not again for a while once the count reached it. Should the leads service not answer, the deal goes through: refinement records
/// deals only for leads it knows, so a quota reached cannot be passed by much this way.
/// </summary>
public static class DealQuota
{
    private static readonly string[] DealWrites = ["/api/deals", "/api/deals/batch", "/api/deals/import"];

    public static IApplicationBuilder UseDealQuota(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsPost(context.Request.Method)
            && DealWrites.Any(p => string.Equals(context.Request.Path.Value?.TrimEnd('/'), p, StringComparison.OrdinalIgnoreCase))
            && context.User.LeadsPerMonth() is { } quota
            && context.User.FindFirst(InternalToken.TenantClaim)?.Value is { } tenant)
        {
            var usage = context.RequestServices.GetRequiredService<TenantUsage>();
            if (await usage.LeadsAcceptedThisMonthAsync(Guid.Parse(tenant), quota, context.RequestAborted) >= quota)
            {
                var clock = context.RequestServices.GetRequiredService<TimeProvider>();
                await UsageMeter.QuotaExceeded(context, clock.GetUtcNow(), quota).ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    });
}
