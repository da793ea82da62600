namespace GrowthKit.Model;

/// <summary>The lead paths a criterion may test; <c>attributes.&lt;name&gt;</c> reaches custom fields.</summary>
public static class FieldPaths
{
    public const string AttributesPrefix = "attributes.";
    public const string CompanyName = "company.name";
    public const string CompanyDomain = "company.domain";
    public const string CompanyIndustry = "company.industry";
    public const string CompanyEmployeeCount = "company.employeeCount";
    public const string CompanyAnnualRevenue = "company.annualRevenue";
    public const string CompanyCountry = "company.country";
    public const string Signals = "signals";
    public const string PainPoints = "painPoints";
    public const string ContactTitle = "contact.title";
    public const string ContactSeniority = "contact.seniority";
    public const string ContactDepartment = "contact.department";
    public const string ExternalId = "externalId";

    public static IReadOnlySet<string> Known { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        CompanyName, CompanyDomain, CompanyIndustry, CompanyEmployeeCount, CompanyAnnualRevenue, CompanyCountry,
        Signals, PainPoints, ContactTitle, ContactSeniority, ContactDepartment, ExternalId,
    };

    public static bool IsKnown(string? path) =>
        path is not null && (Known.Contains(path) || AttributeName(path) is not null);

    /// <summary>The custom field's name (everything after the prefix, dots included), or null for another path.</summary>
    public static string? AttributeName(string path)
    {
        if (!path.StartsWith(AttributesPrefix, StringComparison.Ordinal))
            return null;
        var name = path[AttributesPrefix.Length..];
        return string.IsNullOrWhiteSpace(name) ? null : name;
    }
}
