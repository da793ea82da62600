using FluentValidation;

namespace GrowthKit.Model;

/// <summary>Thresholds within 0..100 and strictly descending, A &gt; B &gt; C, counting defaults for absent ones.</summary>
internal sealed class TiersRulesValidator : AbstractValidator<Tiers>
{
    public TiersRulesValidator()
    {
        RuleFor(t => t.A).InclusiveBetween(0m, Limits.MaxTier).JsonName("A");
        RuleFor(t => t.B).InclusiveBetween(0m, Limits.MaxTier).JsonName("B");
        RuleFor(t => t.C).InclusiveBetween(0m, Limits.MaxTier).JsonName("C");

        RuleFor(t => t).Custom((tiers, context) =>
        {
            // Blame a threshold the consumer sent: with B absent, an A of 40 is what is wrong.
            if (tiers.EffectiveB >= tiers.EffectiveA)
                context.AddFailure(tiers.B is null ? "A" : "B", $"Tier thresholds must descend: A ({tiers.EffectiveA}) > B ({tiers.EffectiveB}).");
            if (tiers.EffectiveC >= tiers.EffectiveB)
                context.AddFailure(tiers.C is null ? "B" : "C", $"Tier thresholds must descend: B ({tiers.EffectiveB}) > C ({tiers.EffectiveC}).");
        });
    }
}
