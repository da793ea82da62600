using System.Security.Cryptography;
using System.Text;

namespace GrowthKit.Model.Audit;

/// <summary>
/// The platform's audit signing key. The platform keeps a random secret (a parameter like the admin
/// key); the P-256 private key is derived from it, so the secret can be generated and stored like
/// any other and the key stays the same across restarts.
/// </summary>
public static class AuditKey
{
    public static ECDsa FromSecret(string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        // SHA-256 of the secret is the private scalar; one ≥ the curve order has probability ~2^-32,
        // and the counter moves past it.
        for (var counter = 0; ; counter++)
        {
            var d = SHA256.HashData(Encoding.UTF8.GetBytes($"growthkit-audit-key/{counter}/{secret}"));
            try
            {
                return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
            }
            catch (CryptographicException) when (counter < 8)
            {
            }
        }
    }

    /// <summary>The public half as base64 SubjectPublicKeyInfo (what the well-known route publishes).</summary>
    public static string PublicKey(ECDsa key) => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());

    public static ECDsa FromPublicKey(string publicKey)
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
        return key;
    }

    /// <summary>A short name for a public key: the first 16 hex digits of its SHA-256.</summary>
    public static string KeyId(string publicKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(publicKey)))[..16];
}
