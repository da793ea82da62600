using System.Net.Http.Headers;
using System.Security.Claims;
using GrowthKit.Gateway.Authorization;
using GrowthKit.Platform.Persistence.Metering;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.IdentityModel.Tokens;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace GrowthKit.Gateway.Proxy;

/// <summary>
/// Replaces whatever identity the caller sent with the one the gateway vouches for: the caller's
/// <c>Authorization</c> and any tenant-looking header are dropped, and an authenticated tenant's
/// request gets a short-lived internal token that the services trust: signed with the gateway's private
/// key, addressed to the one service behind the route (its cluster), carrying the key's scopes.
/// </summary>
public sealed class InternalTokenTransform(ECDsaSecurityKey signingKey, TimeProvider clock) : RequestTransform
{
    private static readonly string[] ForbiddenPrefixes = ["X-Tenant", "X-GrowthKit"];

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        RemoveHeader(context, "Authorization");
        foreach (var name in CallerHeaders(context.ProxyRequest))
        {
            RemoveHeader(context, name);
        }

        var user = context.HttpContext.User;
        if (user.FindFirstValue(InternalToken.TenantClaim) is { } tenantId
            && context.HttpContext.GetReverseProxyFeature()?.Cluster?.Config.ClusterId is { } service)
        {
            var token = InternalToken.Create(signingKey, service, Guid.Parse(tenantId),
                user.FindFirstValue(InternalToken.ActorClaim) ?? "unknown",
                Guid.Parse(user.FindFirstValue(InternalToken.KeyIdClaim)!), clock.GetUtcNow(),
                ApiScopes.Held(user), user.FindAll(Quotas.LeadsPerMonthClaim));
            context.ProxyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return ValueTask.CompletedTask;
    }

    private static List<string> CallerHeaders(HttpRequestMessage request) =>
    [
        .. request.Headers.Select(h => h.Key)
            .Concat(request.Content?.Headers.Select(h => h.Key) ?? [])
            .Where(name => ForbiddenPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            .Distinct(StringComparer.OrdinalIgnoreCase),
    ];
}
