namespace GrowthKit.Model;

/// <summary>How far one version may move the ICP.</summary>
public static class Guardrails
{
    /// <summary>
    /// Limits <paramref name="target"/> to within <paramref name="maxWeightChange"/> points of
    /// <paramref name="current"/>, criterion by criterion (keys compared case-insensitively): a kept
    /// criterion's weight moves at most that far (to 0 means it is dropped), a new criterion enters
    /// with at most that weight, and a dropped criterion heavier than that only loses that much
    /// weight. Values and ranges move with their criterion. Everything but the criteria stays as targeted.
    /// </summary>
    public static IcpDefinition Cap(IcpDefinition current, IcpDefinition target, decimal maxWeightChange)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(target);
        if (maxWeightChange <= 0) throw new ArgumentOutOfRangeException(nameof(maxWeightChange), "The cap must be positive.");

        var targeted = (target.Criteria ?? []).ToDictionary(c => c.Key!, StringComparer.OrdinalIgnoreCase);
        var known = new HashSet<string>((current.Criteria ?? []).Select(c => c.Key!), StringComparer.OrdinalIgnoreCase);
        var criteria = new List<Criterion>();
        foreach (var old in current.Criteria ?? [])
        {
            var from = old.Weight ?? 0;
            if (targeted.TryGetValue(old.Key!, out var next))
            {
                var weight = Math.Clamp(next.Weight ?? 0, from - maxWeightChange, from + maxWeightChange);
                if (weight != 0) criteria.Add(next with { Weight = weight });
            }
            else if (Math.Abs(from) > maxWeightChange)
            {
                criteria.Add(old with { Weight = from - Math.Sign(from) * maxWeightChange });
            }
        }
        criteria.AddRange((target.Criteria ?? []).Where(c => !known.Contains(c.Key!))
            .Select(c => c with { Weight = Math.Clamp(c.Weight ?? 0, -maxWeightChange, maxWeightChange) })
            .Where(c => c.Weight != 0));
        return target with { Criteria = criteria };
    }
}
