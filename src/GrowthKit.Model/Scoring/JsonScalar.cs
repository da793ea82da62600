using System.Globalization;
using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>How the scorer reads one JSON value as text or as a number.</summary>
internal static class JsonScalar
{
    /// <summary>Trimmed text of a string, number or boolean; null for anything else.</summary>
    public static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Trim(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>
    /// A JSON number, or text that parses as an invariant-culture number; null otherwise, also when it is
    /// beyond decimal's range (such a value matches nothing rather than failing the score).
    /// </summary>
    public static decimal? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetDecimal(out var number) ? number : null,
        JsonValueKind.String => decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null,
        _ => null,
    };

    /// <summary>Equal as text (trimmed, case ignored) or, when both are numbers, numerically (50 equals 50.0).</summary>
    public static bool AreEqual(JsonElement left, JsonElement right) =>
        Text(left) is { } a && Text(right) is { } b
        && (string.Equals(a, b, StringComparison.OrdinalIgnoreCase)
            || (Number(left) is { } x && Number(right) is { } y && x == y));

    /// <summary>True for text that is not blank, a non-empty array or object, a number or a boolean.</summary>
    public static bool IsPresent(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => !string.IsNullOrWhiteSpace(value.GetString()),
        JsonValueKind.Array => value.GetArrayLength() > 0,
        JsonValueKind.Object => value.EnumerateObject().Any(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => true,
        _ => false,
    };
}
