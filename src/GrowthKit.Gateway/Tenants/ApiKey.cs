using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace GrowthKit.Gateway.Tenants;

/// <summary>
/// A tenant's API key. Only its SHA-256 hash is stored, as the document id, so a request's key
/// is found with one load by id and a leaked table reveals no usable key.
/// </summary>
public sealed class ApiKey
{
    private const string Prefix = "gk_";

    public string Id { get; set; } = "";
    public Guid KeyId { get; set; }
    public Guid TenantId { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null: every scope (a tenant's first key, and keys issued before scopes existed).</summary>
    public IReadOnlyList<string>? Scopes { get; set; }

    /// <summary>After this instant the key is refused (401); null: it does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expiry && expiry <= now;

    /// <summary>A new key for the tenant and the secret to hand out once; the secret is not kept.</summary>
    public static (ApiKey Key, string Secret) Issue(Guid tenantId, string name, DateTimeOffset now,
        IReadOnlyList<string>? scopes = null, DateTimeOffset? expiresAt = null)
    {
        var secret = Prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            Id = Hash(secret),
            KeyId = Guid.CreateVersion7(now),
            TenantId = tenantId,
            Name = name,
            CreatedAt = now,
            Scopes = scopes,
            ExpiresAt = expiresAt,
        };
        return (key, secret);
    }

    /// <summary>Lowercase hex SHA-256 of the key as presented.</summary>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
