namespace GrowthKit.Model.Tests.Scoring;

/// <summary>Every operator, and each shape rule of API.md, as one table.</summary>
public static class OperatorCases
{
    private const string NoOperand = "{}";

    private static readonly OperatorCase[] Cases =
    [
        // in / notIn: text trimmed, case ignored; a list field matches when any element does (notIn: none does)
        new("in matches a listed text ignoring case and surrounding spaces",
            "company.country", "in", """{"values": ["de", "AT"]}""", """{"company": {"country": " DE "}}""", true),
        new("in does not match an unlisted text",
            "company.country", "in", """{"values": ["AT", "CH"]}""", """{"company": {"country": "DE"}}""", false),
        new("in on a list field matches when any element is listed",
            "signals", "in", """{"values": ["funding_round"]}""", """{"signals": ["hiring", "Funding_Round"]}""", true),
        new("in on a list field does not match when no element is listed",
            "signals", "in", """{"values": ["funding_round"]}""", """{"signals": ["hiring", "layoffs"]}""", false),
        new("in compares numbers numerically",
            "company.employeeCount", "in", """{"values": [50.0, 100]}""", """{"company": {"employeeCount": 50}}""", true),
        new("in matches numeric text against a listed number",
            "attributes.seats", "in", """{"values": [50]}""", """{"attributes": {"seats": " 50 "}}""", true),
        new("in matches a boolean attribute by its text",
            "attributes.customer", "in", """{"values": ["TRUE"]}""", """{"attributes": {"customer": true}}""", true),
        new("notIn matches an unlisted text",
            "company.country", "notIn", """{"values": ["AT", "CH"]}""", """{"company": {"country": "DE"}}""", true),
        new("notIn does not match a listed text ignoring case",
            "company.country", "notIn", """{"values": ["de"]}""", """{"company": {"country": "DE"}}""", false),
        new("notIn on a list field matches when no element is listed",
            "signals", "notIn", """{"values": ["layoffs"]}""", """{"signals": ["hiring", "funding_round"]}""", true),
        new("notIn on a list field does not match when any element is listed",
            "signals", "notIn", """{"values": ["layoffs"]}""", """{"signals": ["hiring", "layoffs"]}""", false),

        // between: inclusive, numbers or numeric text
        new("between includes its lower bound",
            "company.employeeCount", "between", """{"min": 50, "max": 500}""", """{"company": {"employeeCount": 50}}""", true),
        new("between includes its upper bound",
            "company.employeeCount", "between", """{"min": 50, "max": 500}""", """{"company": {"employeeCount": 500}}""", true),
        new("between excludes a number below min",
            "company.employeeCount", "between", """{"min": 50, "max": 500}""", """{"company": {"employeeCount": 49.99}}""", false),
        new("between excludes a number above max",
            "company.employeeCount", "between", """{"min": 50, "max": 500}""", """{"company": {"employeeCount": 501}}""", false),
        new("between reads numeric text",
            "attributes.seats", "between", """{"min": 50, "max": 500}""", """{"attributes": {"seats": "120"}}""", true),
        new("between ignores text that is not a number",
            "attributes.seats", "between", """{"min": 50, "max": 500}""", """{"attributes": {"seats": "many"}}""", false),

        // gt / gte / lt / lte
        new("gt matches a greater number",
            "company.annualRevenue", "gt", """{"value": 10}""", """{"company": {"annualRevenue": 10.5}}""", true),
        new("gt does not match an equal number",
            "company.annualRevenue", "gt", """{"value": 10}""", """{"company": {"annualRevenue": 10}}""", false),
        new("gte matches an equal number",
            "company.annualRevenue", "gte", """{"value": 10}""", """{"company": {"annualRevenue": 10.0}}""", true),
        new("gte does not match a smaller number",
            "company.annualRevenue", "gte", """{"value": 10}""", """{"company": {"annualRevenue": 9}}""", false),
        new("lt matches a smaller number",
            "company.employeeCount", "lt", """{"value": 10}""", """{"company": {"employeeCount": 9}}""", true),
        new("lt does not match an equal number",
            "company.employeeCount", "lt", """{"value": 10}""", """{"company": {"employeeCount": 10}}""", false),
        new("lte matches an equal number",
            "company.employeeCount", "lte", """{"value": 10}""", """{"company": {"employeeCount": 10}}""", true),
        new("lte does not match a greater number",
            "company.employeeCount", "lte", """{"value": 10}""", """{"company": {"employeeCount": 11}}""", false),
        new("lt reads invariant numeric text with a decimal point",
            "attributes.rating", "lt", """{"value": 10}""", """{"attributes": {"rating": " 9.5 "}}""", true),
        new("gt ignores text with a decimal comma",
            "attributes.rating", "gt", """{"value": 10}""", """{"attributes": {"rating": "10,5"}}""", false),
        new("gt on a number beyond decimal range does not match and does not fail",
            "attributes.huge", "gt", """{"value": 10}""", """{"attributes": {"huge": 1e300}}""", false),
        new("gt on a list field matches when any element does",
            "attributes.sizes", "gt", """{"value": 10}""", """{"attributes": {"sizes": [5, 20]}}""", true),

        // anyOf / allOf / noneOf: a scalar is a one-element list
        new("anyOf matches when one listed value is present",
            "signals", "anyOf", """{"values": ["funding_round", "hiring"]}""", """{"signals": ["expansion", "hiring"]}""", true),
        new("anyOf does not match when no listed value is present",
            "signals", "anyOf", """{"values": ["funding_round"]}""", """{"signals": ["expansion"]}""", false),
        new("anyOf treats a scalar as a one-element list",
            "contact.seniority", "anyOf", """{"values": ["vp", "director"]}""", """{"contact": {"seniority": "VP"}}""", true),
        new("allOf matches when every listed value is present",
            "signals", "allOf", """{"values": ["a", "c"]}""", """{"signals": ["c", "b", "a"]}""", true),
        new("allOf does not match when one listed value is absent",
            "signals", "allOf", """{"values": ["a", "d"]}""", """{"signals": ["a", "b", "c"]}""", false),
        new("allOf treats a scalar as a one-element list",
            "company.country", "allOf", """{"values": ["de"]}""", """{"company": {"country": "DE"}}""", true),
        new("noneOf matches when no listed value is present",
            "painPoints", "noneOf", """{"values": ["churn"]}""", """{"painPoints": ["manual_dispatch"]}""", true),
        new("noneOf does not match when one listed value is present",
            "painPoints", "noneOf", """{"values": ["churn", "manual_dispatch"]}""", """{"painPoints": ["manual_dispatch"]}""", false),
        new("noneOf treats a scalar as a one-element list",
            "contact.seniority", "noneOf", """{"values": ["VP"]}""", """{"contact": {"seniority": "vp"}}""", false),

        // exists: false for "", [] and missing
        new("exists matches present text",
            "contact.title", "exists", NoOperand, """{"contact": {"title": "CTO"}}""", true),
        new("exists matches the number zero",
            "company.employeeCount", "exists", NoOperand, """{"company": {"employeeCount": 0}}""", true),
        new("exists matches false",
            "attributes.customer", "exists", NoOperand, """{"attributes": {"customer": false}}""", true),
        new("exists does not match an empty string",
            "attributes.note", "exists", NoOperand, """{"attributes": {"note": ""}}""", false),
        new("exists does not match whitespace-only text",
            "contact.title", "exists", NoOperand, """{"contact": {"title": "   "}}""", false),
        new("exists does not match an empty list",
            "signals", "exists", NoOperand, """{"signals": []}""", false),
        new("exists does not match a missing field",
            "contact.title", "exists", NoOperand, """{"company": {"name": "A"}}""", false),
        new("exists does not match a null field",
            "attributes.note", "exists", NoOperand, """{"attributes": {"note": null}}""", false),

        // contains: case-insensitive substring
        new("contains matches a substring ignoring case",
            "contact.title", "contains", """{"value": "OPERATIONS"}""", """{"contact": {"title": "Head of Operations"}}""", true),
        new("contains does not match an absent substring",
            "contact.title", "contains", """{"value": "sales"}""", """{"contact": {"title": "Head of Operations"}}""", false),
        new("contains on a list field matches when any element does",
            "attributes.techStack", "contains", """{"value": "sap"}""", """{"attributes": {"techStack": ["Excel", "SAP S/4HANA"]}}""", true),

        // a missing or null field matches nothing, whatever the operator
        new("in on a missing field does not match",
            "company.country", "in", """{"values": ["DE"]}""", """{"company": {"name": "A"}}""", false),
        new("notIn on a missing field does not match",
            "company.country", "notIn", """{"values": ["DE"]}""", """{"company": {"name": "A"}}""", false),
        new("noneOf on a missing field does not match",
            "signals", "noneOf", """{"values": ["layoffs"]}""", """{"company": {"name": "A"}}""", false),
        new("noneOf on an empty list does not match",
            "signals", "noneOf", """{"values": ["layoffs"]}""", """{"signals": []}""", false),
        new("lt on a missing number does not match",
            "company.employeeCount", "lt", """{"value": 10}""", """{"company": {"name": "A"}}""", false),
        new("lt on a null number does not match",
            "company.employeeCount", "lt", """{"value": 10}""", """{"company": {"employeeCount": null}}""", false),
        new("notIn on a missing parent object does not match",
            "contact.department", "notIn", """{"values": ["sales"]}""", """{"externalId": "x"}""", false),
        new("an attribute name may contain dots",
            "attributes.crm.segment", "in", """{"values": ["smb"]}""", """{"attributes": {"crm.segment": "SMB"}}""", true),
    ];

    public static IReadOnlyDictionary<string, OperatorCase> ByName { get; } = Cases.ToDictionary(c => c.Name);

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var c in Cases)
            names.Add(c.Name);
        return names;
    }
}
