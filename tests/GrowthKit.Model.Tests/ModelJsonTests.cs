namespace GrowthKit.Model.Tests;

public class ModelJsonTests
{
    [Fact]
    public void Writes_camel_case_without_nulls_or_indentation_and_tiers_as_the_contract_spells_them()
    {
        var definition = new IcpDefinition("n", null, [new Criterion("k", "signals", "exists", null, null, null, null, 5)], null, null, new Tiers(80, null, 20));

        Assert.Equal(
            """{"name":"n","criteria":[{"key":"k","field":"signals","operator":"exists","weight":5}],"tiers":{"A":80,"C":20}}""",
            Json.Write(definition));
    }

    [Fact]
    public void Round_trips_the_api_example_definition_unchanged()
    {
        var definition = Examples.ParsedDefinition();

        Assert.Equal(CanonicalJson.Serialize(Json.Parse(Examples.Definition)), CanonicalJson.Of(definition));
    }

    [Fact]
    public void Reads_string_and_number_operands()
    {
        var criterion = Json.Read<Criterion>("""{"values": ["DE", 49], "value": 10}""");

        Assert.Equal(["\"DE\"", "49"], criterion.Values!.Select(v => v.GetRawText()));
        Assert.Equal(10, criterion.Value!.Value.GetInt32());
    }

    [Fact]
    public void Is_frozen_so_no_service_can_change_it()
    {
        Assert.True(ModelJson.Options.IsReadOnly);
    }
}
