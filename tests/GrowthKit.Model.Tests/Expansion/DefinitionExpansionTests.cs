using System.Text.Json;

namespace GrowthKit.Model.Tests.Expansion;

public class DefinitionExpansionTests
{
    private static readonly TermGroup[] NoGroups = [];

    private static readonly TermGroup[] TenantGroups =
    [
        new(FieldPaths.Signals, "Growth moments", ["funding_round", "rapid_hiring"]),
        new(FieldPaths.CompanyCountry, "Core markets", ["DACH", "Benelux", "France"]),
        new(FieldPaths.PainPoints, "Dispatch pains", ["manual_dispatch", "spreadsheet_chaos"]),
    ];

    /// <summary>A one-criterion definition on <paramref name="field"/> with the given operator and operand JSON.</summary>
    private static IcpDefinition Definition(string field, string op, string operand) => Json.Read<IcpDefinition>($$"""
        {"name": "n", "criteria": [{"key": "k", "field": "{{field}}", "operator": "{{op}}", {{operand}}, "weight": 10}]}
        """);

    private static string ExpandedValues(string field, string values, IReadOnlyCollection<TermGroup>? groups = null)
    {
        var expanded = DefinitionExpansion.Expand(Definition(field, "in", $"\"values\": {values}"), groups ?? NoGroups);
        return CanonicalJson.Of(expanded.Criteria![0].Values);
    }

    [Theory]
    [InlineData("""["DACH"]""", """["DE","AT","CH"]""")]
    [InlineData("""["dach"]""", """["DE","AT","CH"]""")]
    [InlineData("""["Nordics", "DE"]""", """["DK","FI","IS","NO","SE","DE"]""")]
    [InlineData("""["UK&I", "North America"]""", """["GB","IE","US","CA","MX"]""")]
    [InlineData("""["European Union"]""", """["AT","BE","BG","HR","CY","CZ","DK","EE","FI","FR","DE","GR","HU","IE","IT","LV","LT","LU","MT","NL","PL","PT","RO","SK","SI","ES","SE"]""")]
    public void Expands_a_region_into_its_member_codes(string values, string expected)
    {
        Assert.Equal(expected, ExpandedValues(FieldPaths.CompanyCountry, values));
    }

    [Theory]
    [InlineData("""["Germany", "AUT", "ch", "Holland", "United States of America", "UK"]""", """["DE","AT","CH","NL","US","GB"]""")]
    [InlineData("""["Deutschland"]""", """["DE"]""")]
    public void Turns_country_names_and_alpha_3_codes_into_alpha_2(string values, string expected)
    {
        Assert.Equal(expected, ExpandedValues(FieldPaths.CompanyCountry, values));
    }

    [Theory]
    [InlineData("""["logistics", "Wholesale Trade", "48-49", "saas"]""", """["Transportation and Warehousing","Wholesale Trade","Information"]""")]
    [InlineData("""["retail trade", "31-33", "IT services"]""", """["Retail Trade","Manufacturing","Professional, Scientific, and Technical Services"]""")]
    public void Turns_industry_synonyms_and_codes_into_NAICS_sector_titles(string values, string expected)
    {
        Assert.Equal(expected, ExpandedValues(FieldPaths.CompanyIndustry, values));
    }

    [Theory]
    [InlineData(FieldPaths.Signals, """["growth MOMENTS", "new_regulation"]""", """["funding_round","rapid_hiring","new_regulation"]""")]
    [InlineData(FieldPaths.PainPoints, """["Dispatch pains"]""", """["manual_dispatch","spreadsheet_chaos"]""")]
    [InlineData(FieldPaths.CompanyCountry, """["Core markets"]""", """["DE","AT","CH","BE","NL","LU","FR"]""")]
    public void Expands_a_tenant_group_of_the_criterions_field(string field, string values, string expected)
    {
        Assert.Equal(expected, ExpandedValues(field, values, TenantGroups));
    }

    [Fact]
    public void Leaves_a_tenant_group_of_another_field_alone()
    {
        Assert.Equal("""["Growth moments"]""", ExpandedValues(FieldPaths.PainPoints, """["Growth moments"]""", TenantGroups));
    }

    [Fact]
    public void A_tenant_group_wins_over_a_built_in_region_of_the_same_name()
    {
        TermGroup[] groups = [new(FieldPaths.CompanyCountry, "dach", ["DE"])];

        Assert.Equal("""["DE"]""", ExpandedValues(FieldPaths.CompanyCountry, """["DACH"]""", groups));
    }

    [Fact]
    public void Expands_attribute_groups_by_the_full_field_path()
    {
        TermGroup[] groups = [new("attributes.techStack", "ERP", ["SAP", "Oracle"])];

        Assert.Equal("""["SAP","Oracle","Shopify"]""", ExpandedValues("attributes.techStack", """["erp", "Shopify"]""", groups));
    }

    [Theory]
    [InlineData(FieldPaths.CompanyCountry, """["DE", "Germany", "DACH", "de", "Austria"]""", """["DE","AT","CH"]""")]
    [InlineData(FieldPaths.Signals, """["Funding_Round", "funding_round", " funding_round "]""", """["Funding_Round"]""")]
    [InlineData(FieldPaths.CompanyIndustry, """["Logistics", "transportation", "48"]""", """["Transportation and Warehousing"]""")]
    public void Drops_duplicates_keeping_the_first_occurrence(string field, string values, string expected)
    {
        Assert.Equal(expected, ExpandedValues(field, values, TenantGroups));
    }

    [Theory]
    [InlineData(FieldPaths.CompanyCountry, """["Atlantis", "DE", "Europa-Park"]""")]
    [InlineData(FieldPaths.CompanyIndustry, """["Widgets", "Transportation and Warehousing"]""")]
    [InlineData(FieldPaths.CompanyName, """["DACH", "Germany", "logistics"]""")]
    [InlineData(FieldPaths.ContactDepartment, """["Sales ", "ops"]""")]
    public void Leaves_unknown_values_and_other_fields_as_written(string field, string values)
    {
        Assert.Equal(CanonicalJson.Serialize(Json.Parse(values)), ExpandedValues(field, values));
    }

    [Fact]
    public void Never_changes_numbers()
    {
        var definition = Json.Read<IcpDefinition>("""
            {"name": "n", "criteria": [
              {"key": "a", "field": "company.country", "operator": "in", "values": [49, "Germany", 1.50, 2e3], "weight": 10},
              {"key": "b", "field": "company.employeeCount", "operator": "between", "min": 50.0, "max": 1e3, "weight": 10},
              {"key": "c", "field": "company.annualRevenue", "operator": "gte", "value": 1.5e6, "weight": 10}],
             "disqualifiers": [{"key": "d", "field": "company.employeeCount", "operator": "lt", "value": 10.00, "reason": "r"}]}
            """);

        var expanded = DefinitionExpansion.Expand(definition, NoGroups);

        Assert.Equal(["49", "\"DE\"", "1.50", "2e3"], expanded.Criteria![0].Values!.Select(v => v.GetRawText()));
        Assert.Equal((50.0m, 1e3m), (expanded.Criteria[1].Min, expanded.Criteria[1].Max));
        Assert.Equal("1.5e6", expanded.Criteria[2].Value!.Value.GetRawText());
        Assert.Equal("10.00", expanded.Disqualifiers![0].Value!.Value.GetRawText());
    }

    [Fact]
    public void Expands_disqualifiers_too()
    {
        var definition = Json.Read<IcpDefinition>("""
            {"name": "n", "criteria": [{"key": "a", "field": "signals", "operator": "exists", "weight": 10}],
             "disqualifiers": [{"key": "d", "field": "company.country", "operator": "notIn", "values": ["EU", "Switzerland"], "reason": "r"},
                               {"key": "e", "field": "company.industry", "operator": "in", "values": ["government"], "reason": "r"}]}
            """);

        var expanded = DefinitionExpansion.Expand(definition, NoGroups);

        Assert.Equal(28, expanded.Disqualifiers![0].Values!.Count);
        Assert.Equal("CH", expanded.Disqualifiers[0].Values![^1].GetString());
        Assert.Equal("""["Public Administration"]""", CanonicalJson.Of(expanded.Disqualifiers[1].Values));
    }

    [Theory]
    [InlineData(FieldPaths.CompanyIndustry, "logistics", "Transportation and Warehousing")]
    [InlineData(FieldPaths.CompanyCountry, "Germany", "DE")]
    [InlineData(FieldPaths.CompanyCountry, "DACH", "DACH")]
    [InlineData(FieldPaths.CompanyName, "GmbH", "GmbH")]
    public void Replaces_a_text_value_only_by_a_single_value(string field, string value, string expected)
    {
        var expanded = DefinitionExpansion.Expand(Definition(field, "contains", $"\"value\": \"{value}\""), NoGroups);

        Assert.Equal(expected, expanded.Criteria![0].Value!.Value.GetString());
    }

    [Fact]
    public void Leaves_the_rest_of_the_definition_as_it_was()
    {
        var definition = Examples.ParsedDefinition();

        var expanded = DefinitionExpansion.Expand(definition, TenantGroups);

        Assert.True(CanonicalJson.AreEqual(definition, expanded));
    }

    [Fact]
    public void Keeps_missing_lists_missing()
    {
        var definition = new IcpDefinition("n", null, null, null, null, null);

        var expanded = DefinitionExpansion.Expand(definition, NoGroups);

        Assert.Null(expanded.Criteria);
        Assert.Null(expanded.Disqualifiers);
    }

    [Fact]
    public void Groups_that_name_each_other_expand_without_looping()
    {
        TermGroup[] groups =
        [
            new(FieldPaths.Signals, "a", ["b", "x"]),
            new(FieldPaths.Signals, "b", ["a", "y"]),
        ];

        Assert.Equal("""["a","y","x"]""", ExpandedValues(FieldPaths.Signals, """["a"]""", groups));
    }

    public static TheoryData<string, TermGroup[]> Drafts => new()
    {
        { Examples.Definition, [] },
        {
            """
            {"name": "n", "criteria": [
              {"key": "a", "field": "company.country", "operator": "in", "values": ["DACH", "germany", "UK", "Core markets", "Atlantis", 7], "weight": 10},
              {"key": "b", "field": "company.industry", "operator": "in", "values": ["logistics", "48-49", "Widgets", "saas"], "weight": 10},
              {"key": "c", "field": "signals", "operator": "anyOf", "values": ["Growth moments", "funding_round", "a"], "weight": 10},
              {"key": "d", "field": "company.industry", "operator": "contains", "value": "consulting", "weight": 10}],
             "disqualifiers": [{"key": "e", "field": "company.country", "operator": "notIn", "values": ["EEA", "Nordics"], "reason": "r"}]}
            """,
            [
                .. TenantGroups,
                new(FieldPaths.Signals, "a", ["b", "x"]),
                new(FieldPaths.Signals, "b", ["a", "y", "Growth moments"]),
                new(FieldPaths.CompanyCountry, "Germany", ["Germany", "Liechtenstein"]),
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Drafts))]
    public void Expanding_twice_changes_nothing_more(string json, TermGroup[] groups)
    {
        var once = DefinitionExpansion.Expand(Json.Read<IcpDefinition>(json), groups);
        var twice = DefinitionExpansion.Expand(once, groups);

        Assert.True(CanonicalJson.AreEqual(once, twice), $"{CanonicalJson.Of(once)}\n{CanonicalJson.Of(twice)}");
    }

    [Fact]
    public void An_expanded_draft_still_validates()
    {
        var definition = Json.Read<IcpDefinition>("""
            {"name": "n", "criteria": [
              {"key": "region", "field": "company.country", "operator": "in", "values": ["DACH", "Nordics"], "weight": 20},
              {"key": "industry", "field": "company.industry", "operator": "in", "values": ["logistics"], "weight": 30}]}
            """);

        var expanded = DefinitionExpansion.Expand(definition, NoGroups);

        Assert.True(IcpDefinitionValidation.Validate(expanded).IsValid);
        Assert.Equal(JsonValueKind.String, expanded.Criteria![1].Values![0].ValueKind);
    }
}

public class ExpansionBoundsTests
{
    // g0 names g1 twice, g1 names g2 twice, … : without a memo, 2^40 expansions.
    private static List<TermGroup> Doubling(int levels) =>
        [.. Enumerable.Range(0, levels).Select(i => new TermGroup("signals", $"g{i}", [$"g{i + 1}", $"G{i + 1}", $"v{i}"]))];

    private static IcpDefinition Naming(string value) => new("n", null,
        [new Criterion("k", "signals", "anyOf", [System.Text.Json.JsonSerializer.SerializeToElement(value)], null, null, null, 1m)],
        null, null, null);

    [Fact]
    public void Groups_that_name_groups_expand_in_linear_time()
    {
        var expanded = DefinitionExpansion.Expand(Naming("g0"), Doubling(40));

        Assert.Equal([.. Enumerable.Range(0, 40).Select(i => $"v{i}").Reverse().Prepend("g40")],
            expanded.Criteria![0].Values!.Select(v => v.GetString()));
    }

    [Fact]
    public void Measure_gives_depth_size_and_cycles()
    {
        var reach = DefinitionExpansion.Measure(Doubling(8));
        Assert.Equal(8, reach[0].Depth);
        Assert.Equal(9, reach[0].Values);
        Assert.All(reach, r => Assert.False(r.Cyclic));

        var cycle = DefinitionExpansion.Measure([new TermGroup("signals", "a", ["b"]), new TermGroup("signals", "b", ["a", "x"])]);
        Assert.All(cycle, r => Assert.True(r.Cyclic));
    }

    [Fact]
    public void A_vocabulary_beyond_any_limit_fails_fast_instead_of_exhausting_memory()
    {
        // 300 groups of 1,000 distinct members each, all named by one group: 300,000 values.
        var groups = Enumerable.Range(0, 300)
            .Select(i => new TermGroup("signals", $"part{i}", [.. Enumerable.Range(0, 1000).Select(j => $"v{i}-{j}")]))
            .Append(new TermGroup("signals", "all", [.. Enumerable.Range(0, 300).Select(i => $"part{i}")]))
            .ToList();

        Assert.Throws<ExpansionTooLargeException>(() => DefinitionExpansion.Expand(Naming("all"), groups));
    }
}
