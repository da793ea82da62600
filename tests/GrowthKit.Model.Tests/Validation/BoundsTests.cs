using System.Text.Json.Nodes;

namespace GrowthKit.Model.Tests.Validation;

/// <summary>Every bound of <see cref="Limits"/> refuses what lies beyond it and names the field; the bound itself passes.</summary>
public class BoundsTests
{
    // Text the JSON writer refuses to write (a lone surrogate) goes in as the escape a client would send.
    internal const string Placeholder = "@@raw@@";

    private static IcpDefinitionValidationResult Validate(Action<JsonObject> change, string raw = "")
    {
        var definition = JsonNode.Parse(Examples.Definition)!.AsObject();
        change(definition);
        return IcpDefinitionValidation.Validate(Json.Read<IcpDefinition>(definition.ToJsonString().Replace(Placeholder, raw)));
    }

    private static JsonObject Criterion(JsonObject d, int i) => d["criteria"]![i]!.AsObject();

    [Theory]
    [InlineData(1000, true)]
    [InlineData(-1000, true)]
    [InlineData(1000.5, false)]
    [InlineData(1e27, false)]
    [InlineData(-1e27, false)]
    public void Weights_lie_within_a_thousand(double weight, bool valid)
    {
        var result = Validate(d => Criterion(d, 0)["weight"] = weight);

        Assert.Equal(valid, result.IsValid);
        if (!valid) Assert.Equal(["criteria[0].weight"], result.Errors.Keys);
    }

    [Theory]
    [InlineData("min", 1e16)]
    [InlineData("max", -1e16)]
    public void Range_bounds_lie_within_1e15(string member, double value)
    {
        var result = Validate(d =>
        {
            Criterion(d, 1)["min"] = member == "min" ? value : 0;
            Criterion(d, 1)["max"] = member == "max" ? value : 1e15;
        });

        Assert.False(result.IsValid);
        Assert.Contains($"criteria[1].{member}", result.Errors.Keys);
    }

    [Fact]
    public void Compared_values_lie_within_1e15()
    {
        Assert.True(Validate(d => d["disqualifiers"]![0]!["value"] = 1e15).IsValid);
        Assert.Equal(["disqualifiers[0].value"], Validate(d => d["disqualifiers"]![0]!["value"] = 2e15).Errors.Keys);
        Assert.Equal(["criteria[2].values[1]"], Validate(d => Criterion(d, 2)["values"]!.AsArray()[1] = 1e300).Errors.Keys);
    }

    [Fact]
    public void Texts_are_bounded()
    {
        Assert.True(Validate(d => d["name"] = new string('n', Limits.NameLength)).IsValid);
        Assert.Equal(["name"], Validate(d => d["name"] = new string('n', Limits.NameLength + 1)).Errors.Keys);
        Assert.Equal(["description"], Validate(d => d["description"] = new string('d', Limits.DescriptionLength + 1)).Errors.Keys);
        Assert.Equal(["criteria[0].key"], Validate(d => Criterion(d, 0)["key"] = new string('k', Limits.KeyLength + 1)).Errors.Keys);
        Assert.Equal(["criteria[0].values[0]"], Validate(d => Criterion(d, 0)["values"]!.AsArray()[0] = new string('v', 501)).Errors.Keys);
        Assert.Equal(["disqualifiers[0].reason"], Validate(d => d["disqualifiers"]![0]!["reason"] = new string('r', 1001)).Errors.Keys);
    }

    [Fact]
    public void Text_postgres_cannot_store_is_refused()
    {
        const string nul = "nul\\u0000inside";
        Assert.Equal(["name"], Validate(d => d["name"] = Placeholder, nul).Errors.Keys);
        Assert.Equal(["personas[0].role"], Validate(d => d["personas"]![0]!["role"] = Placeholder, nul).Errors.Keys);
        Assert.Equal(["criteria[0].values[0]"], Validate(d => Criterion(d, 0)["values"]!.AsArray()[0] = Placeholder, nul).Errors.Keys);
    }

    [Fact]
    public void A_lone_surrogate_is_refused_where_text_is_kept_as_json()
    {
        const string lone = "lone \\ud800 surrogate";
        Assert.Equal(["criteria[0].values[0]"], Validate(d => Criterion(d, 0)["values"]!.AsArray()[0] = Placeholder, lone).Errors.Keys);
        // Typed text cannot even be read: the endpoint answers 400 for the body.
        Assert.Throws<System.Text.Json.JsonException>(() => Validate(d => d["name"] = Placeholder, lone));
    }

    [Fact]
    public void Lists_are_bounded()
    {
        var tooMany = Validate(d =>
        {
            var criteria = d["criteria"]!.AsArray();
            for (var i = criteria.Count; i <= Limits.CriteriaPerIcp; i++)
                criteria.Add(new JsonObject { ["key"] = $"k{i}", ["field"] = "signals", ["operator"] = "exists", ["weight"] = 1 });
        });
        Assert.Equal(["criteria"], tooMany.Errors.Keys);

        var values = Validate(d =>
            Criterion(d, 0)["values"] = new JsonArray([.. Enumerable.Range(0, Limits.ValuesPerCondition + 1).Select(i => (JsonNode)$"v{i}")]));
        Assert.Equal(["criteria[0].values"], values.Errors.Keys);

        var personas = Validate(d =>
            d["personas"] = new JsonArray([.. Enumerable.Range(0, Limits.PersonasPerIcp + 1).Select(i => (JsonNode)new JsonObject { ["role"] = $"r{i}" })]));
        Assert.Equal(["personas"], personas.Errors.Keys);
    }

    [Fact]
    public void Persona_roles_are_unique_ignoring_case_and_spaces()
    {
        var result = Validate(d => d["personas"] = new JsonArray(
            new JsonObject { ["role"] = "CTO" }, new JsonObject { ["role"] = "Head of Sales" }, new JsonObject { ["role"] = " cto " }));

        Assert.Equal(DefinitionValidity.BreaksRules, result.Validity);
        Assert.Equal(["personas[2].role"], result.Errors.Keys);
    }

    [Fact]
    public void Tiers_stay_within_0_to_100() =>
        Assert.Equal(["tiers.A"], Validate(d => d["tiers"]!["A"] = 1e20).Errors.Keys);
}
