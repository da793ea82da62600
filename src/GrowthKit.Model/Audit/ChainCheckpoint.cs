using System.Security.Cryptography;
using System.Text;

namespace GrowthKit.Model.Audit;

/// <summary>
/// A chain head vouched for by the platform: the tenant's chain of one service had this hash at this
/// position. The signature (ECDSA P-256, SHA-256, IEEE P1363, base64) covers the canonical JSON of
/// every other field, so a head rewritten together with the events it covers is caught.
/// </summary>
public sealed record ChainCheckpoint(string TenantId, string Service, long Position, string Hash, string SignedAt, string KeyId)
{
    public byte[] Payload() => Encoding.UTF8.GetBytes(CanonicalJson.Of(this));

    public string Sign(ECDsa key) =>
        Convert.ToBase64String(key.SignData(Payload(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    public bool IsSignedBy(ECDsa publicKey, string signature)
    {
        Span<byte> bytes = stackalloc byte[128];
        return Convert.TryFromBase64String(signature, bytes, out var length)
               && publicKey.VerifyData(Payload(), bytes[..length], HashAlgorithmName.SHA256,
                   DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
