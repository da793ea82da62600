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
