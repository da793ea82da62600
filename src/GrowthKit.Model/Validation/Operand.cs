using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>What the validators ask of a <c>value</c> or <c>values</c> entry.</summary>
internal static class Operand
{
    // "value": null reads as a JSON null element rather than a missing one; both are missing.
    public static bool IsMissing(JsonElement? value) =>
        value is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    public static bool IsTextOrNumber(JsonElement value) =>
        value.ValueKind is JsonValueKind.String or JsonValueKind.Number;

    public static bool IsBlankText(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(TextOf(value) ?? "x");

    public static bool IsDecimalNumber(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Number } element && element.TryGetDecimal(out _);

    public static bool IsNonBlankText(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.String } element && !string.IsNullOrWhiteSpace(TextOf(element));

    /// <summary>The text, or null where it cannot become a .NET string (an unpaired surrogate escape; refused elsewhere).</summary>
    public static string? TextOf(JsonElement value)
    {
        try { return value.GetString(); }
        catch (InvalidOperationException) { return null; }
    }
}
