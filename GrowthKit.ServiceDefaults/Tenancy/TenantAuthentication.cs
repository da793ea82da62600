using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrowthKit.ServiceDefaults.Tenancy;

public static class TenantAuthentication
{
    /// <summary>
    /// Every endpoint of <paramref name="service"/> requires the gateway's token for it unless marked
    /// anonymous. The service holds only the gateway's public key.
    /// </summary>
    public static IHostApplicationBuilder AddTenantAuthentication(this IHostApplicationBuilder builder, string service)
    {
        var publicKey = builder.Configuration[InternalToken.PublicKeyConfigurationKey]
                        ?? throw new InvalidOperationException($"{InternalToken.PublicKeyConfigurationKey} is not configured.");
        var key = InternalToken.VerificationKey(publicKey);

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = InternalToken.ValidationParameters(key, service);
            });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .RequireClaim(InternalToken.TenantClaim)
                .Build())
            .AddPolicy(InternalToken.PlatformPolicy, policy => policy
                .RequireAuthenticatedUser()
                .RequireClaim(InternalToken.PlatformClaim, "true"));
        return builder;
    }

    public static Guid TenantId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(InternalToken.TenantClaim)
                   ?? throw new InvalidOperationException("The request carries no tenant."));

    /// <summary>Who made the change, as recorded in history: the API key's name.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue(InternalToken.ActorClaim) ?? "unknown";
}
