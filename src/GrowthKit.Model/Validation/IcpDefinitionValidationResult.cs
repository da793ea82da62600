using System.Collections.ObjectModel;

namespace GrowthKit.Model;

/// <summary>The verdict on a definition and its errors keyed by JSON path, ready for a ValidationProblem.</summary>
public sealed record IcpDefinitionValidationResult(DefinitionValidity Validity, IReadOnlyDictionary<string, string[]> Errors)
{
    public static IcpDefinitionValidationResult Valid { get; } =
        new(DefinitionValidity.Valid, ReadOnlyDictionary<string, string[]>.Empty);

    public bool IsValid => Validity == DefinitionValidity.Valid;
}
