namespace GrowthKit.Model;

/// <summary>
/// Every bound the public API enforces, in one place: validators, the OpenAPI document and
/// docs/limits.md read them from here. Bounds are generous for real use and small enough that no
/// tenant can make a request, an ICP or a vocabulary that costs the others time or memory.
/// </summary>
public static class Limits
{
    // Text
    public const int NameLength = 200;
    public const int DescriptionLength = 2000;
    public const int KeyLength = 100;
    public const int FieldPathLength = 200;
    public const int ValueTextLength = 500;
    public const int ReasonLength = 1000;
    public const int LeadTextLength = 300;

    // Sizes
    public const int CriteriaPerIcp = 100;
    public const int DisqualifiersPerIcp = 100;
    public const int ValuesPerCondition = 1000;
    public const int PersonasPerIcp = 20;
    public const int PersonaListItems = 20;
    public const int LeadListItems = 100;
    public const int AttributesPerLead = 100;
    public const int AttributeNameLength = 100;
    public const int AttributeDepth = 5;
    public const int AttributeArrayItems = 100;
    public const int LeadBytes = 64 * 1024;

    // Numbers
    /// <summary>Criterion weights lie in [-MaxWeight, MaxWeight].</summary>
    public const decimal MaxWeight = 1000m;
    /// <summary>Every number an ICP compares with (and a lead's counts) lies in [-MaxNumber, MaxNumber].</summary>
    public const decimal MaxNumber = 1_000_000_000_000_000m;
    public const decimal MaxTier = 100m;

    // Vocabulary
    public const int VocabularyGroups = 200;
    public const int GroupMembers = 500;
    /// <summary>How deep groups may name groups (a group of regions of groups…).</summary>
    public const int GroupDepth = 5;
    /// <summary>How many values one condition's list may expand to.</summary>
    public const int ExpandedValues = ValuesPerCondition;

    // Deals
    public const int DealsPerBatch = 1000;

    // JSON bodies
    /// <summary>Longest number literal accepted anywhere (digits, sign, exponent).</summary>
    public const int NumberLiteralLength = 40;
}
