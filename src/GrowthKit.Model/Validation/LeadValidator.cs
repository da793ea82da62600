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
            .Must(StorableText.IsStorable).WithMessage($"'externalId' {StorableText.Message}.")
            .JsonName("externalId");

        // The '!' only quiets the compiler about the child validator's type: NotNull reports a missing company.
        RuleFor(l => l.Company!).NotNull().SetValidator(new CompanyValidator()).JsonName("company");

        RuleFor(l => l.Signals).MaxItems(Limits.LeadListItems).JsonName("signals");
        RuleForEach(l => l.Signals).NotNull().BoundedText(Limits.LeadTextLength).JsonName("signals");
        RuleFor(l => l.PainPoints).MaxItems(Limits.LeadListItems).JsonName("painPoints");
        RuleForEach(l => l.PainPoints).NotNull().BoundedText(Limits.LeadTextLength).JsonName("painPoints");
        RuleFor(l => l.Contact!).SetValidator(new ContactValidator()).JsonName("contact");

        RuleFor(l => l.Attributes)
            .Must(attributes => attributes is null || attributes.Count <= Limits.AttributesPerLead)
            .WithMessage($"'attributes' must hold at most {Limits.AttributesPerLead} entries.")
            .JsonName("attributes");
        RuleFor(l => l.Attributes).Custom((attributes, context) =>
        {
            if (attributes is null || attributes.Count > Limits.AttributesPerLead) return;
            foreach (var (name, value) in attributes)
            {
                if (name.Length > Limits.AttributeNameLength || !StorableText.IsStorable(name) || string.IsNullOrWhiteSpace(name))
                    context.AddFailure("attributes", $"Attribute names must be 1 to {Limits.AttributeNameLength} characters ({StorableText.Message}).");
                else if (Problem(value, 1) is { } problem)
                    context.AddFailure($"attributes.{name}", problem);
            }
        });

        // The whole lead, as stored: one lead must not be able to fill a relay message on its own.
        RuleFor(l => l).Must(lead => SizeOf(lead) <= Limits.LeadBytes)
            .WithMessage($"A lead must be at most {Limits.LeadBytes / 1024} KB as JSON.")
            .WithName("body").OverridePropertyName("body")
            .When(lead => lead.Attributes is null || lead.Attributes.Count <= Limits.AttributesPerLead);
    }

    // Text that cannot be written (refused above, by its attribute) counts as fitting.
    private static int SizeOf(Lead lead)
    {
        try { return JsonSerializer.SerializeToUtf8Bytes(lead, ModelJson.Options).Length; }
        catch (JsonException) { return 0; }
        catch (InvalidOperationException) { return 0; }
    }

    /// <summary>What is wrong with an attribute value, or null: depth, sizes, text and numbers bounded.</summary>
    private static string? Problem(JsonElement value, int depth)
    {
        if (depth > Limits.AttributeDepth)
            return $"Attribute values may nest at most {Limits.AttributeDepth} levels.";
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.TryGetDouble(out var number) && double.IsFinite(number)
                    ? null
                    : "Numbers must be finite IEEE doubles (RFC 8785 cannot hash others).";
            case JsonValueKind.String:
                return BoundRules.IsBoundedOperand(value) ? null
                    : $"Text must be at most {Limits.ValueTextLength} characters ({StorableText.Message}).";
            case JsonValueKind.Array:
                if (value.GetArrayLength() > Limits.AttributeArrayItems)
                    return $"Attribute arrays may hold at most {Limits.AttributeArrayItems} entries.";
                return value.EnumerateArray().Select(item => Problem(item, depth + 1)).FirstOrDefault(p => p is not null);
            case JsonValueKind.Object:
                var members = value.EnumerateObject().ToList();
                if (members.Count > Limits.AttributesPerLead)
                    return $"Attribute objects may hold at most {Limits.AttributesPerLead} members.";
                foreach (var member in members)
                {
                    if (member.Name.Length > Limits.AttributeNameLength || !StorableText.IsStorable(member.Name))
                        return $"Member names must be at most {Limits.AttributeNameLength} characters ({StorableText.Message}).";
                    if (Problem(member.Value, depth + 1) is { } problem)
                        return problem;
                }
                return null;
            default:
                return null;
        }
    }
}

internal sealed class ContactValidator : AbstractValidator<Contact>
{
    public ContactValidator()
    {
        RuleFor(c => c.Title).BoundedText(Limits.LeadTextLength).JsonName("title");
        RuleFor(c => c.Seniority).BoundedText(Limits.LeadTextLength).JsonName("seniority");
        RuleFor(c => c.Department).BoundedText(Limits.LeadTextLength).JsonName("department");
    }
}
