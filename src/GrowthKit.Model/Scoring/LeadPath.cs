using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>Reads a field path (<see cref="FieldPaths"/>) out of a lead's JSON.</summary>
public static class LeadPath
{
    /// <summary>The value at the path, or null when it is missing or JSON null.</summary>
    public static JsonElement? Resolve(JsonElement lead, string? path)
    {
        if (path is null || lead.ValueKind != JsonValueKind.Object)
            return null;

        // An attribute name may itself hold dots, so it is one step, not several.
        string[] steps = FieldPaths.AttributeName(path) is { } attribute
            ? ["attributes", attribute]
            : path.Split('.');

        var current = lead;
        foreach (var step in steps)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(step, out current))
                return null;
        }
        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }
}
