using System.Text.Json;

namespace GrowthKit.Model.Tests;

internal static class Json
{
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, ModelJson.Options)!;

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, ModelJson.Options);
}
