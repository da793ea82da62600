using System.Text.Json.Nodes;

namespace GrowthKit.Model.Tests.Scoring;

/// <summary>One criterion (weight 10) on one field of a lead, and whether it should match.</summary>
public sealed record OperatorCase(string Name, string Field, string Operator, string Operand, string Lead, bool Matches)
{
    public IcpDefinition Definition()
    {
        var criterion = JsonNode.Parse(Operand)!.AsObject();
        criterion["key"] = "k";
        criterion["field"] = Field;
        criterion["operator"] = Operator;
        criterion["weight"] = 10;
        var definition = new JsonObject { ["name"] = "t", ["criteria"] = new JsonArray(criterion) };
        return Json.Read<IcpDefinition>(definition.ToJsonString());
    }

    public override string ToString() => Name;
}
