using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GrowthKit.ServiceDefaults.Tenancy;

/// <summary>
/// The gateway authenticates the public API key and hands each service a short-lived token that
/// names the tenant, the caller and the key's scopes. The gateway signs it with a private key
/// (ES256, ECDSA P-256); services hold only the public key, so no service can mint a token — for
/// itself or for another — and a token minted for one service is refused by every other (its
/// audience names the service it was made for).
/// </summary>
public static class InternalToken
{
    /// <summary>The gateway's private key, PKCS#8 PEM. Only the gateway has it.</summary>
    public const string PrivateKeyConfigurationKey = "GrowthKit:InternalTokenPrivateKey";

    /// <summary>The matching public key, SubjectPublicKeyInfo PEM. Every service has it.</summary>
    public const string PublicKeyConfigurationKey = "GrowthKit:InternalTokenPublicKey";

    public const string Issuer = "growthkit-gateway";
    public const string TenantClaim = "tenant";
    public const string ActorClaim = "actor";
    public const string KeyIdClaim = "key";
    /// <summary>One claim per scope of the API key the request came with; none for a key with every scope.</summary>
    public const string ScopeClaim = "scope";
    /// <summary>Marks a token the gateway makes for the platform team's operations (dead letters), not for a tenant.</summary>
    public const string PlatformClaim = "platform";
    public const string PlatformPolicy = "platform";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    /// <summary>The audience of tokens for one service: a token for <c>leads</c> is refused by <c>scoring</c>.</summary>
    public static string AudienceOf(string service) => $"growthkit-{service}";

    /// <summary>A new P-256 key pair: the private half for the gateway, the public half for the services.</summary>
    public static (string PrivateKeyPem, string PublicKeyPem) NewKeyPair()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (ecdsa.ExportPkcs8PrivateKeyPem(), ecdsa.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>The gateway's signing key from its PKCS#8 PEM.</summary>
    public static ECDsaSecurityKey SigningKey(string privateKeyPem)
    {
        var ecdsa = ImportP256(privateKeyPem, PrivateKeyConfigurationKey);
        try
        {
            ecdsa.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            ecdsa.Dispose();
            throw new InvalidOperationException($"{PrivateKeyConfigurationKey} must hold a private key.");
        }
        return new ECDsaSecurityKey(ecdsa);
    }

    /// <summary>
    /// A service's verification key from the public PEM. A private key is refused: a service that held
    /// one could mint tokens.
    /// </summary>
    public static ECDsaSecurityKey VerificationKey(string publicKeyPem)
    {
        if (publicKeyPem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{PublicKeyConfigurationKey} must hold only the public key, never the private one.");
        }
        return new ECDsaSecurityKey(ImportP256(publicKeyPem, PublicKeyConfigurationKey));
    }

    private static ECDsa ImportP256(string pem, string setting)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            ecdsa.Dispose();
            throw new InvalidOperationException($"{setting} is not a PEM-encoded EC key.", e);
        }
        if (ecdsa.KeySize != 256)
        {
            ecdsa.Dispose();
            throw new InvalidOperationException($"{setting} must be a P-256 key (ES256).");
        }
        return ecdsa;
    }

    /// <summary>
    /// A tenant's token for one service, with the key's scopes and any further claims the gateway vouches
    /// for, such as the tenant's quota (<see cref="Metering.Quotas"/>).
    /// </summary>
    public static string Create(SecurityKey key, string service, Guid tenantId, string actor, Guid keyId, DateTimeOffset now,
        IEnumerable<string>? scopes = null, IEnumerable<Claim>? claims = null) =>
        Sign(key, service, now,
        [
            new Claim(TenantClaim, tenantId.ToString()),
            new Claim(ActorClaim, actor),
            new Claim(KeyIdClaim, keyId.ToString()),
            .. (scopes ?? []).Select(s => new Claim(ScopeClaim, s)),
            .. claims ?? [],
        ]);

    public static string CreatePlatform(SecurityKey key, string service, string actor, DateTimeOffset now) =>
        Sign(key, service, now, [new Claim(PlatformClaim, "true"), new Claim(ActorClaim, actor)]);

    private static string Sign(SecurityKey key, string service, DateTimeOffset now, IEnumerable<Claim> claims) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = AudienceOf(service),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime.AddSeconds(-5),
            Expires = now.Add(Lifetime).UtcDateTime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });

    /// <summary>What <paramref name="service"/> accepts: ES256 only (no HMAC, no "none"), its own audience, the gateway as issuer.</summary>
    public static TokenValidationParameters ValidationParameters(SecurityKey key, string service) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = AudienceOf(service),
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ClockSkew = TimeSpan.FromSeconds(5),
        NameClaimType = ActorClaim,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
    };
}
