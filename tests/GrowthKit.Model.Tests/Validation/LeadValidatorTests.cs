using System.Text.Json.Nodes;

namespace GrowthKit.Model.Tests.Validation;

public class LeadValidatorTests
{
    private static readonly LeadValidator Validator = new();

    private static IEnumerable<string> ErrorPaths(Action<JsonObject> change)
    {
        var lead = JsonNode.Parse(Examples.Lead)!.AsObject();
        change(lead);
        return Validator.Validate(Json.Read<Lead>(lead.ToJsonString())).Errors.Select(e => e.PropertyName);
    }

    [Fact]
    public void Accepts_the_api_example() => Assert.Empty(ErrorPaths(_ => { }));

    [Fact]
    public void Rejects_lead_without_external_id() => Assert.Equal(["externalId"], ErrorPaths(l => l.Remove("externalId")));

    [Fact]
    public void Rejects_blank_external_id() => Assert.Equal(["externalId"], ErrorPaths(l => l["externalId"] = " \t "));

    [Fact]
    public void Accepts_external_id_of_200_characters() => Assert.Empty(ErrorPaths(l => l["externalId"] = new string('x', 200)));

    [Fact]
    public void Rejects_external_id_over_200_characters() => Assert.Equal(["externalId"], ErrorPaths(l => l["externalId"] = new string('x', 201)));

    [Fact]
    public void Rejects_external_id_with_control_characters() => Assert.Equal(["externalId"], ErrorPaths(l => l["externalId"] = "a\u001fb"));

    [Fact]
    public void Rejects_lead_without_company() => Assert.Equal(["company"], ErrorPaths(l => l.Remove("company")));

    [Fact]
    public void Rejects_lead_without_company_name() => Assert.Equal(["company.name"], ErrorPaths(l => l["company"]!.AsObject().Remove("name")));

    [Fact]
    public void Rejects_negative_employee_count() => Assert.Equal(["company.employeeCount"], ErrorPaths(l => l["company"]!["employeeCount"] = -1));

    [Fact]
    public void Rejects_negative_annual_revenue() => Assert.Equal(["company.annualRevenue"], ErrorPaths(l => l["company"]!["annualRevenue"] = -0.01m));

    [Fact]
    public void Accepts_zero_employees_and_revenue() =>
        Assert.Empty(ErrorPaths(l => { l["company"]!["employeeCount"] = 0; l["company"]!["annualRevenue"] = 0; }));

    [Fact]
    public void Rejects_an_attribute_number_beyond_double_range() =>
        Assert.Equal(["attributes.big"], ErrorPaths(l => l["attributes"]!["big"] = JsonNode.Parse("[1, {\"x\": 1e400}]")));
}

public class LeadBoundsTests
{
    private static readonly LeadValidator Validator = new();

    private static IEnumerable<string> ErrorPaths(Action<JsonObject> change, string raw = "")
    {
        var lead = JsonNode.Parse(Examples.Lead)!.AsObject();
        change(lead);
        var json = lead.ToJsonString().Replace(BoundsTests.Placeholder, raw);
        return Validator.Validate(Json.Read<Lead>(json)).Errors.Select(e => e.PropertyName).Distinct();
    }

    [Fact]
    public void A_lone_surrogate_in_attributes_is_refused() =>
        Assert.Equal(["attributes.note"], ErrorPaths(l => l["attributes"] = new JsonObject { ["note"] = BoundsTests.Placeholder }, "\\udc00 lone"));

    [Fact]
    public void Nul_is_refused_wherever_it_is()
    {
        const string text = BoundsTests.Placeholder;
        const string escaped = "nul\\u0000";
        Assert.Equal(["externalId"], ErrorPaths(l => l["externalId"] = text, escaped));
        Assert.Equal(["company.name"], ErrorPaths(l => l["company"]!["name"] = text, escaped));
        Assert.Equal(["signals[0]"], ErrorPaths(l => l["signals"] = new JsonArray(text), escaped));
        Assert.Equal(["attributes.note"], ErrorPaths(l => l["attributes"] = new JsonObject { ["note"] = text }, escaped));
    }

    [Fact]
    public void Texts_and_lists_are_bounded()
    {
        Assert.Empty(ErrorPaths(l => l["company"]!["industry"] = new string('i', Limits.LeadTextLength)));
        Assert.Equal(["company.industry"], ErrorPaths(l => l["company"]!["industry"] = new string('i', Limits.LeadTextLength + 1)));
        Assert.Equal(["contact.title"], ErrorPaths(l => l["contact"] = new JsonObject { ["title"] = new string('t', 301) }));
        Assert.Equal(["painPoints"], ErrorPaths(l =>
            l["painPoints"] = new JsonArray([.. Enumerable.Range(0, Limits.LeadListItems + 1).Select(i => (JsonNode)$"p{i}")])));
    }

    [Fact]
    public void Counts_are_bounded() =>
        Assert.Equal(["company.employeeCount"], ErrorPaths(l => l["company"]!["employeeCount"] = 1e20));

    [Fact]
    public void Attributes_are_bounded_in_number_depth_and_size()
    {
        var many = new JsonObject();
        for (var i = 0; i <= Limits.AttributesPerLead; i++) many[$"a{i}"] = i;
        Assert.Equal(["attributes"], ErrorPaths(l => l["attributes"] = many));

        JsonNode deep = 1;
        for (var i = 0; i < Limits.AttributeDepth + 1; i++) deep = new JsonArray(deep);
        Assert.Equal(["attributes.deep"], ErrorPaths(l => l["attributes"] = new JsonObject { ["deep"] = deep }));

        var big = new JsonObject();
        for (var i = 0; i < 90; i++) big[$"a{i}"] = new JsonArray(new string('x', 490) + i, new string('y', 490));
        Assert.Equal(["body"], ErrorPaths(l => l["attributes"] = big));
    }
}
