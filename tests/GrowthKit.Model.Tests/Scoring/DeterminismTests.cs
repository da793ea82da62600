using System.Text.Json;

namespace GrowthKit.Model.Tests.Scoring;

public class DeterminismTests
{
    private static (JsonElement Lead, IcpDefinition Definition) Input(string lead, string definition) =>
        (LeadJson.ToElement(LeadNormalizer.Normalize(Json.Read<Lead>(lead))), Json.Read<IcpDefinition>(definition));

    [Fact]
    public void The_same_input_twice_gives_identical_score_bytes_and_hash()
    {
        var first = Input(Examples.Lead, Examples.Definition);
        var second = Input(Examples.Lead, Examples.Definition);

        Assert.Equal(
            JsonSerializer.SerializeToUtf8Bytes(IcpScorer.Score(first.Lead, first.Definition), ModelJson.Options),
            JsonSerializer.SerializeToUtf8Bytes(IcpScorer.Score(second.Lead, second.Definition), ModelJson.Options));
        Assert.Equal(
            InputHash.Compute(first.Lead, first.Definition, ScoringModel.ModelVersion),
            InputHash.Compute(second.Lead, second.Definition, ScoringModel.ModelVersion));
    }

    [Fact]
    public void Key_order_and_whitespace_in_the_lead_do_not_change_the_hash()
    {
        var definition = Examples.ParsedDefinition();
        var reordered = Json.Parse("""
            {"attributes":{"techStack":["SAP"]},"contact":{"department":"operations","seniority":"director","title":"Head of Operations"},
             "painPoints":["manual_dispatch"],"signals":["funding_round"],
             "company":{"country":"DE","annualRevenue":25000000,"employeeCount":120,"industry":"Transportation and Warehousing",
                        "domain":"acme-logistics.de","name":"Acme Logistics GmbH"},"externalId":"crm-4711"}
            """);

        Assert.Equal(
            InputHash.Compute(Json.Parse(Examples.Lead), definition, ScoringModel.ModelVersion),
            InputHash.Compute(reordered, definition, ScoringModel.ModelVersion));
    }

    [Fact]
    public void Key_order_in_the_definition_json_does_not_change_the_hash()
    {
        var lead = Json.Parse(Examples.Lead);
        var reordered = Json.Read<IcpDefinition>("""
            {"tiers": {"C": 25, "B": 50, "A": 75},
             "personas": [{"department": ["operations"], "seniority": ["director", "vp"], "role": "Head of Operations"}],
             "disqualifiers": [{"reason": "Too small to need dispatch software", "value": 10, "operator": "lt",
                                "field": "company.employeeCount", "key": "too-small"}],
             "criteria": [
               {"weight": 30, "values": ["Transportation and Warehousing", "Wholesale Trade"], "operator": "in", "field": "company.industry", "key": "industry"},
               {"weight": 25, "max": 500, "min": 50, "operator": "between", "field": "company.employeeCount", "key": "size"},
               {"weight": 20, "values": ["DE", "AT", "CH"], "operator": "in", "field": "company.country", "key": "region"},
               {"weight": 15, "values": ["funding_round"], "operator": "anyOf", "field": "signals", "key": "trigger"},
               {"weight": 10, "values": ["manual_dispatch"], "operator": "anyOf", "field": "painPoints", "key": "pain"},
               {"weight": -10, "values": ["sales"], "operator": "in", "field": "contact.department", "key": "sales-led"}],
             "description": "optional", "name": "Mid-market logistics operators"}
            """);

        Assert.Equal(
            InputHash.Compute(lead, Examples.ParsedDefinition(), ScoringModel.ModelVersion),
            InputHash.Compute(lead, reordered, ScoringModel.ModelVersion));
        Assert.True(CanonicalJson.AreEqual(Examples.ParsedDefinition(), reordered));
    }

    [Fact]
    public void A_changed_lead_field_changes_the_hash()
    {
        var definition = Examples.ParsedDefinition();
        var changed = Json.Parse(Examples.Lead.Replace("\"employeeCount\": 120", "\"employeeCount\": 121", StringComparison.Ordinal));

        Assert.NotEqual(
            InputHash.Compute(Json.Parse(Examples.Lead), definition, ScoringModel.ModelVersion),
            InputHash.Compute(changed, definition, ScoringModel.ModelVersion));
    }

    [Fact]
    public void A_changed_definition_or_model_version_changes_the_hash()
    {
        var lead = Json.Parse(Examples.Lead);
        var definition = Examples.ParsedDefinition();
        var reweighted = definition with { Criteria = [.. definition.Criteria!.Select(c => c.Key == "pain" ? c with { Weight = 11 } : c)] };

        var original = InputHash.Compute(lead, definition, ScoringModel.ModelVersion);

        Assert.NotEqual(original, InputHash.Compute(lead, reweighted, ScoringModel.ModelVersion));
        Assert.NotEqual(original, InputHash.Compute(lead, definition, "growthkit-score/2"));
    }
}
