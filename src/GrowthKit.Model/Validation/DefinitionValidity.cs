namespace GrowthKit.Model;

/// <summary>Which kind of error a definition has, so the HTTP layer can answer 400 or 422.</summary>
public enum DefinitionValidity
{
    Valid,

    /// <summary>Something required is missing or of the wrong type: 400.</summary>
    Malformed,

    /// <summary>Well-formed but breaking a rule: 422.</summary>
    BreaksRules,
}
