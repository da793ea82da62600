using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using GrowthKit.Gateway.Authorization;
using GrowthKit.Gateway.Tenants;
using GrowthKit.Platform.Persistence.Metering;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace GrowthKit.Gateway.Usage;

public sealed record UsageQuota(int LeadsPerMonth);

/// <summary>A tenant's usage in one calendar month (UTC), as API.md writes it.</summary>
public sealed record UsageView(string Period, long LeadsAccepted, long LeadsScored, long DealsAccepted,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    UsageQuota? Quota);

/// <summary>
/// Usage is counted where each write happens (leads accepted by the leads service, leads scored by
/// scoring, deals accepted by refinement), each in its own schema; the gateway asks the three with
/// the platform token and adds the answers up. One that does not answer makes the read a 503, never
/// a silently low figure.
/// </summary>
public sealed class TenantUsage(IHttpClientFactory clients, ECDsaSecurityKey signingKey, TimeProvider clock, IMemoryCache cache)
{
    public const string ClientName = "usage";

    /// <summary>Where each counter is kept.</summary>
    private static readonly (string Service, string Counter)[] Meters =
    [
        ("leads", UsageMeter.LeadsAccepted),
        ("scoring", UsageMeter.LeadsScored),
        ("refinement", UsageMeter.DealsAccepted),
    ];

    /// <summary>How long a count that reached the quota is trusted without asking again.</summary>
    public static readonly TimeSpan LeadsAcceptedCacheTime = TimeSpan.FromMinutes(1);

    public async Task<UsageView?> ReadAsync(Guid tenantId, string period, int? leadsPerMonth, CancellationToken ct)
    {
        var counts = await Task.WhenAll(Meters.Select(m => CountAsync(m.Service, m.Counter, tenantId, period, ct)));
        if (counts.Any(c => c is null)) return null;
        return new UsageView(period, counts[0]!.Value, counts[1]!.Value, counts[2]!.Value,
            leadsPerMonth is { } quota ? new UsageQuota(quota) : null);
    }

    /// <summary>
    /// This month's accepted leads; null when the leads service does not answer. The count only
    /// grows within a month, so a remembered count that already reached <paramref name="quota"/> is
    /// answer enough; below it, the leads service is asked afresh.
    /// </summary>
    public async Task<long?> LeadsAcceptedThisMonthAsync(Guid tenantId, int quota, CancellationToken ct)
    {
        var period = UsageMeter.Period(clock.GetUtcNow());
        var cacheKey = (nameof(LeadsAcceptedThisMonthAsync), tenantId, period);
        if (cache.TryGetValue(cacheKey, out long cached) && cached >= quota) return cached;
        var count = await CountAsync("leads", UsageMeter.LeadsAccepted, tenantId, period, ct);
        if (count is { } known) cache.Set(cacheKey, known, LeadsAcceptedCacheTime);
        return count;
    }

    private async Task<long?> CountAsync(string service, string counter, Guid tenantId, string period, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{service}/internal/usage/{tenantId}?period={period}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
                InternalToken.CreatePlatform(signingKey, service, "usage", clock.GetUtcNow()));
            using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            var report = await response.Content.ReadFromJsonAsync<UsageReport>(ct);
            return report!.Counters.GetValueOrDefault(counter);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

public static class TenantUsageApi
{
    public static IHostApplicationBuilder AddTenantUsage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpClient(TenantUsage.ClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<TenantUsage>();
        return builder;
    }

    /// <summary><c>GET /admin/tenants/{tenantId}/usage</c>: the platform team's view of any tenant.</summary>
    public static RouteGroupBuilder MapTenantUsage(this RouteGroupBuilder tenants)
    {
        tenants.MapGet("/{tenantId:guid}/usage", ForAdmin)
            .WithName("ReadTenantUsage")
            .WithSummary("A tenant's usage in a calendar month (UTC) and its quota")
            .WithDescription("period is YYYY-MM, the current month when absent. Each figure counts once however often a request was retried.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return tenants;
    }

    /// <summary><c>GET /api/usage</c>: the tenant's own usage, for any key that may read.</summary>
    public static IEndpointRouteBuilder MapOwnUsage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/usage", ForTenant)
            .WithName("ReadOwnUsage")
            .WithTags("Usage")
            .WithSummary("The tenant's usage in a calendar month (UTC) and its quota")
            .WithDescription($"period is YYYY-MM, the current month when absent. Needs any read scope ({ApiScopes.LeadsRead}, {ApiScopes.IcpsRead} or {ApiScopes.AuditRead}).")
            .RequireAuthorization(Authentication.GatewayAuthentication.TenantPolicy)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<UsageView>, ProblemHttpResult>> ForAdmin(Guid tenantId, IDocumentStore store,
        TenantUsage usage, TimeProvider clock, CancellationToken ct, string? period = null)
    {
        if (CheckPeriod(period, clock) is not { } month) return PeriodProblem();
        await using var session = store.QuerySession();
        if (await session.LoadAsync<Tenant>(tenantId, ct) is not { } tenant) return ApiDefaults.NotFoundProblem("Tenant");
        return await Answer(usage, tenantId, month, tenant.LeadsPerMonth, ct);
    }

    private static async Task<Results<Ok<UsageView>, ProblemHttpResult>> ForTenant(ClaimsPrincipal user,
        TenantUsage usage, TimeProvider clock, CancellationToken ct, string? period = null)
    {
        if (CheckPeriod(period, clock) is not { } month) return PeriodProblem();
        return await Answer(usage, user.TenantId(), month, user.LeadsPerMonth(), ct);
    }

    private static async Task<Results<Ok<UsageView>, ProblemHttpResult>> Answer(TenantUsage usage, Guid tenantId, string period,
        int? leadsPerMonth, CancellationToken ct) =>
        await usage.ReadAsync(tenantId, period, leadsPerMonth, ct) is { } view
            ? TypedResults.Ok(view)
            : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Usage is unavailable.",
                detail: "A service that keeps part of the usage did not answer; try again shortly.");

    private static string? CheckPeriod(string? period, TimeProvider clock) =>
        period is null ? UsageMeter.Period(clock.GetUtcNow()) : UsageMeter.IsPeriod(period) ? period : null;

    private static ProblemHttpResult PeriodProblem() => ApiDefaults.FieldProblem("period", "period is a month: YYYY-MM, such as 2026-12.");
}
