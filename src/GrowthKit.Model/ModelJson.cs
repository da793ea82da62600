using System.Text.Json;
using System.Text.Json.Serialization;

namespace GrowthKit.Model;

/// <summary>The one serialiser configuration for definitions, leads and scores.</summary>
public static class ModelJson
{
    // Read leniently (any property-name casing, so "tiers": {"a": 75} works too), write strictly:
    // camelCase, nulls omitted, no indentation. Numbers in strings are not accepted: a wrong type is a 400.
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = true,
            WriteIndented = false,
        };
        // Frozen so that no service can drift from the shared configuration at run time.
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
