namespace GrowthKit.Model;

/// <summary>The lead paths a criterion may test; <c>attributes.&lt;name&gt;</c> reaches custom fields.</summary>
public static class FieldPaths
{
    public const string AttributesPrefix = "attributes.";

    public static IReadOnlySet<string> Known { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "company.name",
        "company.domain",
        "company.industry",
        "company.employeeCount",
        "company.annualRevenue",
        "company.country",
        "signals",
        "painPoints",
        "contact.title",
        "contact.seniority",
        "contact.department",
        "externalId",
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
