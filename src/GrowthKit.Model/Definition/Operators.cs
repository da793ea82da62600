namespace GrowthKit.Model;

/// <summary>The operators a criterion or disqualifier may use, spelled exactly (case-sensitive).</summary>
public static class Operators
{
    public const string In = "in";
    public const string NotIn = "notIn";
    public const string Between = "between";
    public const string Gt = "gt";
    public const string Gte = "gte";
    public const string Lt = "lt";
    public const string Lte = "lte";
    public const string AnyOf = "anyOf";
    public const string AllOf = "allOf";
    public const string NoneOf = "noneOf";
    public const string Exists = "exists";
    public const string Contains = "contains";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        In, NotIn, Between, Gt, Gte, Lt, Lte, AnyOf, AllOf, NoneOf, Exists, Contains,
    };

    public static bool IsKnown(string? op) => op is not null && All.Contains(op);

    /// <summary>Operators whose operand is the <c>values</c> list.</summary>
    public static bool TakesValues(string? op) => op is In or NotIn or AnyOf or AllOf or NoneOf;

    /// <summary>Operators whose operand is <c>min</c> and <c>max</c>.</summary>
    public static bool TakesRange(string? op) => op is Between;

    /// <summary>Operators whose operand is the single <c>value</c>.</summary>
    public static bool TakesValue(string? op) => IsNumericComparison(op) || op is Contains;

    public static bool IsNumericComparison(string? op) => op is Gt or Gte or Lt or Lte;
}
