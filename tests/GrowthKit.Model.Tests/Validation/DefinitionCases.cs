using System.Text.Json.Nodes;
using static GrowthKit.Model.DefinitionValidity;

namespace GrowthKit.Model.Tests.Validation;

public static class DefinitionCases
{
    private static JsonObject Criterion(JsonObject d, int i) => d["criteria"]![i]!.AsObject();
    private static JsonObject Disqualifier(JsonObject d, int i) => d["disqualifiers"]![i]!.AsObject();
    private static JsonObject Tiers(JsonObject d) => d["tiers"]!.AsObject();

    private static readonly DefinitionCase[] Cases =
    [
        // 400: something required is missing or of the wrong type
        new("rejects a definition without name", d => d.Remove("name"), Malformed, "name"),
        new("rejects a blank name", d => d["name"] = "  ", Malformed, "name"),
        new("rejects a definition without criteria", d => d.Remove("criteria"), Malformed, "criteria"),
        new("rejects a null criterion", d => d["criteria"]![1] = null, Malformed, "criteria[1]"),
        new("rejects a criterion without key", d => Criterion(d, 2).Remove("key"), Malformed, "criteria[2].key"),
        new("rejects a criterion without field", d => Criterion(d, 2).Remove("field"), Malformed, "criteria[2].field"),
        new("rejects a criterion without operator", d => Criterion(d, 2).Remove("operator"), Malformed, "criteria[2].operator"),
        new("rejects a criterion without weight", d => Criterion(d, 3).Remove("weight"), Malformed, "criteria[3].weight"),
        new("rejects in without values", d => Criterion(d, 0).Remove("values"), Malformed, "criteria[0].values"),
        new("rejects notIn without values", d => { Criterion(d, 0)["operator"] = "notIn"; Criterion(d, 0).Remove("values"); }, Malformed, "criteria[0].values"),
        new("rejects anyOf without values", d => Criterion(d, 3).Remove("values"), Malformed, "criteria[3].values"),
        new("rejects allOf without values", d => { Criterion(d, 3)["operator"] = "allOf"; Criterion(d, 3).Remove("values"); }, Malformed, "criteria[3].values"),
        new("rejects noneOf with null values", d => { Criterion(d, 3)["operator"] = "noneOf"; Criterion(d, 3)["values"] = null; }, Malformed, "criteria[3].values"),
        new("rejects between without min", d => Criterion(d, 1).Remove("min"), Malformed, "criteria[1].min"),
        new("rejects between without max", d => Criterion(d, 1).Remove("max"), Malformed, "criteria[1].max"),
        new("rejects lt without value", d => Disqualifier(d, 0).Remove("value"), Malformed, "disqualifiers[0].value"),
        new("rejects gte with a null value", d => { Disqualifier(d, 0)["operator"] = "gte"; Disqualifier(d, 0)["value"] = null; }, Malformed, "disqualifiers[0].value"),
        new("rejects contains without value", d => { Criterion(d, 4)["operator"] = "contains"; Criterion(d, 4).Remove("values"); }, Malformed, "criteria[4].value"),
        new("rejects a values entry that is neither text nor number", d => Criterion(d, 2)["values"]![1] = true, Malformed, "criteria[2].values[1]"),
        new("rejects a value that is an object", d => Disqualifier(d, 0)["value"] = new JsonObject(), Malformed, "disqualifiers[0].value"),
        new("rejects a disqualifier without key", d => Disqualifier(d, 0).Remove("key"), Malformed, "disqualifiers[0].key"),
        new("rejects a disqualifier without field", d => Disqualifier(d, 0).Remove("field"), Malformed, "disqualifiers[0].field"),
        new("rejects a disqualifier without operator", d => Disqualifier(d, 0).Remove("operator"), Malformed, "disqualifiers[0].operator"),
        new("rejects a disqualifier without reason", d => Disqualifier(d, 0).Remove("reason"), Malformed, "disqualifiers[0].reason"),
        new("rejects a null disqualifier", d => d["disqualifiers"]![0] = null, Malformed, "disqualifiers[0]"),
        new("rejects a persona without role", d => d["personas"]![0]!.AsObject().Remove("role"), Malformed, "personas[0].role"),
        new("reports only shape errors while the shape is broken",
            d => { d.Remove("name"); Criterion(d, 0)["operator"] = "equals"; }, Malformed, "name"),

        // 422: well-formed but breaking a rule
        new("rejects an unknown field path", d => Criterion(d, 1)["field"] = "company.size", BreaksRules, "criteria[1].field"),
        new("rejects a field path in the wrong case", d => Criterion(d, 1)["field"] = "company.EmployeeCount", BreaksRules, "criteria[1].field"),
        new("rejects an attribute path without a name", d => Criterion(d, 1)["field"] = "attributes.", BreaksRules, "criteria[1].field"),
        new("rejects an unknown field path in a disqualifier", d => Disqualifier(d, 0)["field"] = "headcount", BreaksRules, "disqualifiers[0].field"),
        new("rejects an unknown operator", d => Criterion(d, 2)["operator"] = "equals", BreaksRules, "criteria[2].operator"),
        new("rejects an operator in the wrong case", d => Criterion(d, 2)["operator"] = "In", BreaksRules, "criteria[2].operator"),
        new("rejects min greater than max", d => Criterion(d, 1)["min"] = 501, BreaksRules, "criteria[1].min"),
        new("rejects a key used twice among criteria", d => Criterion(d, 3)["key"] = "industry", BreaksRules, "criteria[3].key"),
        new("rejects a key used by a criterion and a disqualifier", d => Disqualifier(d, 0)["key"] = "size", BreaksRules, "disqualifiers[0].key"),
        new("rejects keys that differ only in case and spaces", d => Criterion(d, 5)["key"] = " Pain", BreaksRules, "criteria[5].key"),
        new("rejects a definition without a positive weight",
            d => { foreach (var c in d["criteria"]!.AsArray()) c!["weight"] = -1; }, BreaksRules, "criteria"),
        new("rejects empty criteria as having no positive weight", d => d["criteria"] = new JsonArray(), BreaksRules, "criteria"),
        new("rejects a zero weight", d => Criterion(d, 2)["weight"] = 0, BreaksRules, "criteria[2].weight"),
        new("rejects tier B not below A", d => Tiers(d)["B"] = 75, BreaksRules, "tiers.B"),
        new("rejects tier C not below B", d => Tiers(d)["C"] = 60, BreaksRules, "tiers.C"),
        new("rejects tier A above 100", d => Tiers(d)["A"] = 101, BreaksRules, "tiers.A"),
        new("rejects a negative tier C", d => Tiers(d)["C"] = -1, BreaksRules, "tiers.C"),
        new("blames A when it falls below the default B", d => d["tiers"] = new JsonObject { ["A"] = 40 }, BreaksRules, "tiers.A"),
        new("rejects a numeric operator with a text value", d => Disqualifier(d, 0)["value"] = "10", BreaksRules, "disqualifiers[0].value"),
        new("rejects empty values", d => Criterion(d, 0)["values"] = new JsonArray(), BreaksRules, "criteria[0].values"),
        new("rejects a blank entry in values", d => Criterion(d, 2)["values"]![1] = " ", BreaksRules, "criteria[2].values[1]"),
        new("rejects contains with a blank value",
            d => { Criterion(d, 4)["operator"] = "contains"; Criterion(d, 4)["value"] = ""; }, BreaksRules, "criteria[4].value"),
        new("rejects contains with a number", d => { Criterion(d, 4)["operator"] = "contains"; Criterion(d, 4)["value"] = 5; }, BreaksRules, "criteria[4].value"),
    ];

    public static IReadOnlyDictionary<string, DefinitionCase> ByName { get; } = Cases.ToDictionary(c => c.Name);

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var c in Cases)
            names.Add(c.Name);
        return names;
    }
}
