using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>The JSON form of a lead that scoring and hashing read.</summary>
public static class LeadJson
{
    public static JsonElement ToElement(Lead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        return JsonSerializer.SerializeToElement(lead, ModelJson.Options);
    }
}
