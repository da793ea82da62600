using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

using Microsoft.Extensions.DependencyInjection;

namespace GrowthKit.ServiceDefaults.Security;

/// <summary>The platform's secret that encrypts a key ring at rest (the AppHost's <c>{service}-data-protection-key</c>).</summary>
public sealed class KeyRingSecret
{
    public string Value { get; set; } = "";

    /// <summary>The Data Protection application name; it enters the derived key, so two services' rings never share one.</summary>
    public string ApplicationName { get; set; } = "";

    /// <summary>AES-256 key derived from the secret with HKDF, so the secret's own form does not matter.</summary>
    internal byte[] DeriveKey()
    {
        if (Value.Length < 32)
            throw new InvalidOperationException("The Data Protection key-ring secret must be at least 32 characters.");
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(Value), 32,
            salt: [], info: Encoding.UTF8.GetBytes($"{ApplicationName} data protection key ring"));
    }
}

/// <summary>
/// Encrypts each key element before it is stored: AES-256-GCM under a key derived from the platform
/// secret, so a database dump holds no usable key material. Written here because the framework's
/// at-rest options are Windows DPAPI, a certificate, or a cloud key vault, none of which this
/// platform has; a secret parameter it does have.
/// </summary>
public sealed class SecretXmlEncryptor(IOptions<KeyRingSecret> secret) : IXmlEncryptor
{
    internal const string ElementName = "growthKitEncryptedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(secret.Value.DeriveKey(), tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        }
        CryptographicOperations.ZeroMemory(plaintext);

        var element = new XElement(ElementName,
            new XComment(" Encrypted with AES-256-GCM under the platform's data protection key of this service. "),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("value", Convert.ToBase64String(ciphertext)));
        return new EncryptedXmlInfo(element, typeof(SecretXmlDecryptor));
    }
}

/// <summary>Reverses <see cref="SecretXmlEncryptor"/>; created by Data Protection's activator with the service provider.</summary>
public sealed class SecretXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var nonce = Convert.FromBase64String((string)encryptedElement.Element("nonce")!);
        var tag = Convert.FromBase64String((string)encryptedElement.Element("tag")!);
        var ciphertext = Convert.FromBase64String((string)encryptedElement.Element("value")!);
        var plaintext = new byte[ciphertext.Length];
        var key = services.GetRequiredService<IOptions<KeyRingSecret>>().Value.DeriveKey();
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext);
        }
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
