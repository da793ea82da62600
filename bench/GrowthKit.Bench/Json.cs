using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrowthKit.Bench;

/// <summary>Lenient readers for answers whose exact shape is still settling: null when absent or of another type.</summary>
public static class Json
{
    public static JsonNode? At(this JsonNode? node, string name) =>
        node is JsonObject o && o.TryGetPropertyValue(name, out var value) ? value : null;

    public static string? Text(this JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static Guid? AsGuid(this JsonNode? node) => Guid.TryParse(node.Text(), out var g) ? g : null;

    public static long? AsLong(this JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) ? n
        : long.TryParse(node.Text(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    public static double? AsDouble(this JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var x) ? x
        : double.TryParse(node.Text(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    public static DateTimeOffset? AsTime(this JsonNode? node) =>
        DateTimeOffset.TryParse(node.Text(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    public static IEnumerable<JsonNode> Items(this JsonNode? node) =>
        node is JsonArray a ? a.Where(i => i is not null).Select(i => i!) : [];
}
