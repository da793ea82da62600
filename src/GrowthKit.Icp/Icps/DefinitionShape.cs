using GrowthKit.Model;

namespace GrowthKit.Icp.Icps;

public static class DefinitionShape
{
    /// <summary>
    /// One spelling per meaning, so that equal drafts compare equal: empty optional lists are
    /// absent and texts are trimmed.
    /// </summary>
    public static IcpDefinition Tidy(IcpDefinition d) => d with
    {
        Name = d.Name?.Trim(),
        Description = string.IsNullOrWhiteSpace(d.Description) ? null : d.Description.Trim(),
        Disqualifiers = d.Disqualifiers is { Count: > 0 } disqualifiers ? disqualifiers : null,
        Personas = d.Personas is { Count: > 0 } personas ? personas : null,
    };
}
