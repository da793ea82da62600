using System.Text.Json;
using FluentValidation;

namespace GrowthKit.Model;

/// <summary>What a lead must hold to be accepted (400 when broken), checked on the lead as sent.</summary>
public sealed class LeadValidator : AbstractValidator<Lead>
{
    public const int MaxExternalIdLength = 200;

    public LeadValidator()
    {
        // One message per field: a missing externalId is not also "too long".
        RuleLevelCascadeMode = CascadeMode.Stop;

        RuleFor(l => l.ExternalId).NotEmpty()
            .Must(id => id!.Trim().Length <= MaxExternalIdLength)
            .WithMessage($"'externalId' must be at most {MaxExternalIdLength} characters.")
            // Control characters would make ids ambiguous once joined (DeterministicId's separator is one).
            .Must(id => !id!.Any(char.IsControl))
            .WithMessage("'externalId' must not contain control characters.")
            .JsonName("externalId");

        // The '!' only quiets the compiler about the child validator's type: NotNull reports a missing company.
        RuleFor(l => l.Company!).NotNull().SetValidator(new CompanyValidator()).JsonName("company");

        RuleFor(l => l.Attributes).Custom((attributes, context) =>
        {
            foreach (var (name, value) in attributes ?? new Dictionary<string, JsonElement>())
            {
                if (!HasOnlyFiniteNumbers(value))
                    context.AddFailure($"attributes.{name}", "Numbers must be finite IEEE doubles (RFC 8785 cannot hash others).");
            }
        });
    }

    private static bool HasOnlyFiniteNumbers(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetDouble(out var number) && double.IsFinite(number),
        JsonValueKind.Array => value.EnumerateArray().All(HasOnlyFiniteNumbers),
        JsonValueKind.Object => value.EnumerateObject().All(member => HasOnlyFiniteNumbers(member.Value)),
        _ => true,
    };
}
