using UUIDNext;

namespace GrowthKit.Model;

/// <summary>
/// Name-based ids (UUIDv5), so that every service and every retry derives the same id for the same
/// thing: a lead from (tenant, externalId), a score from (lead snapshot, ICP version).
/// </summary>
public static class DeterministicId
{
    /// <summary>GrowthKit's own namespace; changing it changes every id ever issued.</summary>
    public static readonly Guid Namespace = new("8116b18f-2e07-4020-8bad-a95ef62639be");

    // A unit separator cannot appear in ids a person types, so joined parts stay unambiguous.
    public const char Separator = '\u001f';

    public static Guid For(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0)
            throw new ArgumentException("At least one part is needed.", nameof(parts));
        foreach (var part in parts)
        {
            ArgumentNullException.ThrowIfNull(part, nameof(parts));
            if (part.Contains(Separator))
                throw new ArgumentException("A part must not contain U+001F, the separator.", nameof(parts));
        }
        return Uuid.NewNameBased(Namespace, string.Join(Separator, parts));
    }
}
