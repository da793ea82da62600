using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Services.Tests;

/// <summary>API.md's example definition and leads built to hit its documented scores.</summary>
internal static class Samples
{
    public const string DefinitionJson = ExampleIcp.Json;

    public static IcpDefinition Definition() => JsonSerializer.Deserialize<IcpDefinition>(DefinitionJson, ModelJson.Options)!;

    public static JsonElement DefinitionElement() => JsonSerializer.SerializeToElement(Definition(), ModelJson.Options);

    /// <summary>The same ICP with one weight changed: a different definition, so a new version.</summary>
    public static IcpDefinition ChangedDefinition()
    {
        var definition = Definition();
        var criteria = definition.Criteria!.Select(c => c.Key == "pain" ? c with { Weight = 12 } : c).ToList();
        return definition with { Criteria = criteria };
    }

    /// <summary>
    /// Matches industry, size and trigger only (country US, no pain points, operations): API.md's
    /// round(100 × (70 + 10) / 110, 1) = 72.7, tier B.
    /// </summary>
    public static Lead IndustrySizeTriggerLead(string externalId, string department = "operations") =>
        LeadNormalizer.Normalize(new Lead(
            externalId,
            new Company("Acme Logistics GmbH", null, "Transportation and Warehousing", 120, null, "US"),
            ["funding_round"],
            null,
            new Contact(null, null, department),
            null));

    /// <summary>The same lead in a sales department: API.md's 63.6, tier B.</summary>
    public static Lead IndustrySizeTriggerSalesLead(string externalId) => IndustrySizeTriggerLead(externalId, "sales");

    public static JsonElement Raw(Lead lead) => LeadJson.ToElement(lead);
}
