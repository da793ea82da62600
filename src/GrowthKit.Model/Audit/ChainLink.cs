using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GrowthKit.Model.Audit;

/// <summary>
/// One event as the audit chain hashes it: what it is (type, stream, version), when, who and why,
/// its data, and the hash of the link before it. Built the same way by the services that append,
/// by the verifier that reads the database and by the auditor's tool that reads an export.
/// </summary>
public sealed record ChainLink(
    string Type, Guid Stream, long Version, string Timestamp, string? Who, string? Why, JsonElement Data, string Prev)
{
    /// <summary>The <see cref="Prev"/> of a chain's first link.</summary>
    public const string Genesis = InputHash.Prefix + "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary><c>sha256:</c> + lowercase hex SHA-256 of the RFC 8785 form of the whole link.</summary>
    public string Hash()
    {
        var canonical = CanonicalJson.Of(this);
        return InputHash.Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// Timestamps as PostgreSQL keeps them (microseconds, UTC), so the hash written before the row
    /// is stored equals the one recomputed from the row.
    /// </summary>
    public static string FormatTimestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Who made the change and why, as the event's data says (ICP events carry both).</summary>
    public static (string? Who, string? Why) Attribution(JsonElement data, string fallbackWho)
    {
        if (data.ValueKind != JsonValueKind.Object) return (fallbackWho, null);
        var who = Text(data, "by") ?? Text(data, "publishedBy") ?? fallbackWho;
        return (who, Text(data, "reason"));
    }

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
