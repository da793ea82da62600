using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Authentication;

namespace GrowthKit.Gateway.Authentication;

public static class GatewayAuthentication
{
    public const string AdminKeyConfigurationKey = "GrowthKit:AdminKey";

    /// <summary>The admin key opens every tenant: shorter ones are refused at start-up (and by ./run.sh).</summary>
    public const int MinimumAdminKeyLength = 32;

    /// <summary>Proxied <c>/api/**</c> routes: a tenant's API key.</summary>
    public const string TenantPolicy = "tenant";

    /// <summary><c>/admin/**</c>: the admin key.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>
    /// No default scheme: each policy names its own, so anonymous endpoints (health, docs) never
    /// touch the key store and a tenant key never opens <c>/admin</c> (nor the admin key <c>/api</c>).
    /// </summary>
    public static IHostApplicationBuilder AddGatewayAuthentication(this IHostApplicationBuilder builder)
    {
        var adminKey = builder.Configuration[AdminKeyConfigurationKey];
        if (string.IsNullOrEmpty(adminKey))
        {
            throw new InvalidOperationException($"{AdminKeyConfigurationKey} is not configured.");
        }
        if (adminKey.Length < MinimumAdminKeyLength)
        {
            throw new InvalidOperationException(
                $"{AdminKeyConfigurationKey} must be at least {MinimumAdminKeyLength} characters long (it is {adminKey.Length}).");
        }

        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AdminKeyOptions, AdminKeyAuthenticationHandler>(AdminKeyAuthenticationHandler.SchemeName,
                o => o.KeyHash = AdminKeyAuthenticationHandler.Hash(adminKey));

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(TenantPolicy, p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(InternalToken.TenantClaim))
            .AddPolicy(AdminPolicy, p => p
                .AddAuthenticationSchemes(AdminKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
        return builder;
    }
}
