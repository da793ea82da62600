namespace GrowthKit.Model.Tests.Canonical;

public class CanonicalJsonTests
{
    [Fact]
    public void Canonicalises_the_rfc_8785_section_3_2_2_example()
    {
        var input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;

        Assert.Equal(
            """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""",
            CanonicalJson.Serialize(Json.Parse(input)));
    }

    [Fact]
    public void Sorts_members_by_utf16_code_units_as_rfc_8785_section_3_2_3_shows()
    {
        var input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;

        Assert.Equal(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
            + "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            CanonicalJson.Serialize(Json.Parse(input)));
    }

    [Fact]
    public void Escapes_only_what_json_requires_with_lowercase_hex()
    {
        var input = "\"\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\/<>&'\\u007f\\u2028é\"";

        Assert.Equal("\"\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\/<>&'\u007f\u2028é\"", CanonicalJson.Serialize(Json.Parse(input)));
    }

    [Fact]
    public void Sorts_nested_objects_and_keeps_array_order()
    {
        Assert.Equal(
            """{"a":[{"x":1,"y":2},3,"b"],"b":{"c":true,"d":null}}""",
            CanonicalJson.Serialize(Json.Parse("""{ "b": {"d": null, "c": true}, "a": [ {"y": 2, "x": 1}, 3, "b" ] }""")));
    }

    [Fact]
    public void A_repeated_member_name_keeps_its_last_value_as_ecmascript_does()
    {
        Assert.Equal("""{"a":2}""", CanonicalJson.Serialize(Json.Parse("""{"a": 1, "a": 2}""")));
    }

    [Fact]
    public void Model_records_compare_by_value_through_canonical_json()
    {
        var criterion = Examples.ParsedDefinition().Criteria![0];
        var copy = Json.Read<Criterion>(Json.Write(criterion));

        Assert.NotEqual(criterion, copy); // record equality compares the lists by reference
        Assert.True(CanonicalJson.AreEqual(criterion, copy));
        Assert.False(CanonicalJson.AreEqual(criterion, copy with { Weight = 31 }));
    }
}
