using System.Security.Claims;
using System.Text.Encodings.Web;
using GrowthKit.Gateway.Authorization;
using GrowthKit.Gateway.Tenants;
using GrowthKit.Platform.Persistence.Metering;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GrowthKit.Gateway.Authentication;

/// <summary>
/// Finds the tenant behind a bearer API key. The key is looked up on every request (a load by
/// id), so a deleted key stops working at once. The principal carries the claims the internal
/// token is minted from.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IDocumentStore store,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    // A handler serves one request: this only says why its 401 is a 401.
    private DateTimeOffset? _expiredAt;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken.From(Request) is not { } presented) return AuthenticateResult.NoResult();

        // Two loads by primary key. Not one query with Include: Marten carries an Include's ids over
        // in a temporary table it creates per query — DDL on every request, the gateway's largest cost.
        await using var session = store.QuerySession();
        var key = await session.LoadAsync<ApiKey>(ApiKey.Hash(presented), Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("Unknown API key.");
        if (key.IsExpired(clock.GetUtcNow()))
        {
            _expiredAt = key.ExpiresAt;
            return AuthenticateResult.Fail("The API key has expired.");
        }

        // The tenant only for its quota.
        var tenant = await session.LoadAsync<Tenant>(key.TenantId, Context.RequestAborted);
        List<Claim> claims =
        [
            new Claim(InternalToken.TenantClaim, key.TenantId.ToString()),
            new Claim(InternalToken.ActorClaim, key.Name),
            new Claim(InternalToken.KeyIdClaim, key.KeyId.ToString()),
        ];
        if (tenant?.LeadsPerMonth is { } quota)
        {
            claims.Add(new Claim(Quotas.LeadsPerMonthClaim, quota.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (key.Scopes is { } scopes)
        {
            claims.Add(new Claim(ApiScopes.RestrictedClaimType, "true"));
            claims.AddRange(scopes.Select(s => new Claim(ApiScopes.ClaimType, s)));
        }
        var identity = new ClaimsIdentity(claims, SchemeName, InternalToken.ActorClaim, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        BearerToken.ChallengeAsync(Context, _expiredAt is { } expiredAt
            ? $"The API key expired at {expiredAt:O}; ask for a new one."
            : "A valid API key is required: Authorization: Bearer <apiKey>.");
}
