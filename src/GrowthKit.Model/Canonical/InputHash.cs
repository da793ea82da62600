using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>
/// <c>sha256:</c> + lowercase hex SHA-256 of the JCS form of <c>{lead, definition, modelVersion}</c>,
/// so that anyone holding the three can recompute a score's hash.
/// </summary>
public static class InputHash
{
    public const string Prefix = "sha256:";

    public static string Compute(JsonElement normalisedLead, IcpDefinition definition, string modelVersion)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(modelVersion);
        var canonical = CanonicalJson.Of(new HashedInput(normalisedLead, definition, modelVersion));
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private sealed record HashedInput(JsonElement Lead, IcpDefinition Definition, string ModelVersion);
}
