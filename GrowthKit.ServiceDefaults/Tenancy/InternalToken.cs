using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GrowthKit.ServiceDefaults.Tenancy;

/// <summary>
/// The gateway authenticates the public API key and hands each service a short-lived token that
/// names the tenant and the caller. Services trust only this token, so a request that did not come
/// through the gateway (or carries a forged tenant header) is unauthenticated.
/// </summary>
public static class InternalToken
{
    public const string ConfigurationKey = "GrowthKit:InternalTokenKey";
    public const string Issuer = "growthkit-gateway";
    public const string Audience = "growthkit-services";
    public const string TenantClaim = "tenant";
    public const string ActorClaim = "actor";
    public const string KeyIdClaim = "key";
    /// <summary>Marks a token the gateway makes for the platform team's operations (dead letters), not for a tenant.</summary>
    public const string PlatformClaim = "platform";
    public const string PlatformPolicy = "platform";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    public static SymmetricSecurityKey SigningKey(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException($"{ConfigurationKey} must be at least 32 bytes long.");
        }
        return new SymmetricSecurityKey(bytes);
    }

    /// <param name="claims">More for the services to know, such as the tenant's quota (<see cref="Metering.Quotas"/>).</param>
    public static string Create(SymmetricSecurityKey key, Guid tenantId, string actor, Guid keyId, DateTimeOffset now,
        IEnumerable<Claim>? claims = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime.AddSeconds(-5),
            Expires = now.Add(Lifetime).UtcDateTime,
            Subject = new ClaimsIdentity(
            [
                new Claim(TenantClaim, tenantId.ToString()),
                new Claim(ActorClaim, actor),
                new Claim(KeyIdClaim, keyId.ToString()),
                .. claims ?? [],
            ]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });

    public static string CreatePlatform(SymmetricSecurityKey key, string actor, DateTimeOffset now) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime.AddSeconds(-5),
            Expires = now.Add(Lifetime).UtcDateTime,
            Subject = new ClaimsIdentity([new Claim(PlatformClaim, "true"), new Claim(ActorClaim, actor)]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });

    public static TokenValidationParameters ValidationParameters(SymmetricSecurityKey key) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(5),
        NameClaimType = ActorClaim,
    };
}
