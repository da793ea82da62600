using System.Text.Json.Nodes;

namespace GrowthKit.Model.Tests.Validation;

/// <summary>API.md's definition with one change, and the one error it should cause.</summary>
public sealed record DefinitionCase(string Name, Action<JsonObject> Change, DefinitionValidity Validity, string Path)
{
    public IcpDefinition Definition()
    {
        var definition = JsonNode.Parse(Examples.Definition)!.AsObject();
        Change(definition);
        return Json.Read<IcpDefinition>(definition.ToJsonString());
    }

    public override string ToString() => Name;
}
