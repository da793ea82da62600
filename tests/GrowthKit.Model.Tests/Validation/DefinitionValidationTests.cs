using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrowthKit.Model.Tests.Validation;

public class DefinitionValidationTests
{
    [Theory]
    [MemberData(nameof(DefinitionCases.Names), MemberType = typeof(DefinitionCases))]
    public void Validates(string name)
    {
        var @case = DefinitionCases.ByName[name];

        var result = IcpDefinitionValidation.Validate(@case.Definition());

        Assert.Equal(@case.Validity, result.Validity);
        Assert.Equal([@case.Path], result.Errors.Keys);
    }

    [Fact]
    public void Accepts_the_api_example()
    {
        var result = IcpDefinitionValidation.Validate(Examples.ParsedDefinition());

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
    }

    [Theory]
    [InlineData("attributes.techStack", "anyOf", """{"values": ["SAP"]}""")]
    [InlineData("attributes.crm.segment", "exists", "{}")]
    [InlineData("externalId", "contains", """{"value": "crm-"}""")]
    [InlineData("company.annualRevenue", "gte", """{"value": 1.5e6}""")]
    [InlineData("company.country", "in", """{"values": ["DE", 49]}""")]
    public void Accepts_every_known_path_and_operand_kind(string field, string op, string operand)
    {
        var criterion = JsonNode.Parse(operand)!.AsObject();
        criterion["key"] = "k";
        criterion["field"] = field;
        criterion["operator"] = op;
        criterion["weight"] = 1;
        var definition = Json.Read<IcpDefinition>(new JsonObject { ["name"] = "n", ["criteria"] = new JsonArray(criterion) }.ToJsonString());

        Assert.True(IcpDefinitionValidation.Validate(definition).IsValid);
    }

    [Fact]
    public void Accepts_absent_tiers_and_any_negative_weights_beside_a_positive_one()
    {
        var definition = Json.Read<IcpDefinition>("""
            {"name": "n", "criteria": [
              {"key": "a", "field": "signals", "operator": "exists", "weight": 0.5},
              {"key": "b", "field": "painPoints", "operator": "exists", "weight": -100}]}
            """);

        Assert.True(IcpDefinitionValidation.Validate(definition).IsValid);
    }

    [Fact]
    public void A_wrong_json_type_fails_deserialisation_for_a_400()
    {
        Assert.Throws<JsonException>(() => Json.Read<IcpDefinition>("""{"name": "n", "criteria": [{"weight": "30"}]}"""));
    }

    [Fact]
    public void The_validators_can_also_be_used_one_by_one()
    {
        var definition = Examples.ParsedDefinition() with { Name = null, Tiers = new Tiers(50, 50, 25) };

        Assert.Equal(["name"], new IcpDefinitionShapeValidator().Validate(definition).Errors.Select(e => e.PropertyName));
        Assert.Equal(["tiers.B"], new IcpDefinitionRulesValidator().Validate(definition).Errors.Select(e => e.PropertyName));
    }
}
