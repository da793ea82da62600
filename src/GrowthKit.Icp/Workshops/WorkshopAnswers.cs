using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Icp.Workshops;

/// <summary>An answer as it will be stored (null: skipped), or why it cannot be.</summary>
public sealed record AnswerCheck(JsonElement? Answer, WorkshopRejection? Rejection);

/// <summary>
/// Validates an answer for its question's kind and normalises it: options chosen by value or label
/// become their value, free text a term or its recognised meaning. Errors name <c>answer</c>
/// (or <c>answer[2]</c>, <c>answer.min</c>, …): a wrong shape is malformed (400), a well-formed
/// answer that breaks a rule (unknown region, min above max, no positive weight) a 422.
/// </summary>
public static class WorkshopAnswers
{
    private const int MaxText = 200;
    /// <summary>Values one answer may hold (industries, regions, personas…): far more than any workshop needs.</summary>
    private const int MaxItems = 100;

    public static AnswerCheck Check(string questionId, JsonElement answer, WorkshopProfile profile, WorkshopVocabulary vocabulary)
    {
        if (answer.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return WorkshopQuestions.IsOptional(questionId)
                ? new AnswerCheck(null, null)
                : Reject(WorkshopRejection.Malformed("answer", $"'{questionId}' needs an answer; only optional questions take null."));
        }

        var errors = new AnswerErrors();
        object? normalised = questionId switch
        {
            QuestionIds.Industries => Terms(answer, errors, (text, _, _) => Taxonomy.NormalizeIndustry(text) ?? text),
            QuestionIds.CompanySize => Range(answer, errors, Taxonomy.CompanySizes),
            QuestionIds.Revenue => Range(answer, errors, WorkshopQuestions.RevenueBands),
            QuestionIds.Regions => Terms(answer, errors, (text, field, e) =>
                WorkshopDisqualifiers.Place(text, vocabulary)
                ?? Fail(e, field, $"'{text}' is neither a region ({string.Join(", ", vocabulary.Regions.Select(r => r.Name))}) nor a country.")),
            QuestionIds.BuyingTriggers => Terms(answer, errors, (text, field, e) => Term(text, vocabulary.BuyingTriggers, field, e)),
            QuestionIds.PainPoints => Terms(answer, errors, (text, field, e) => Term(text, vocabulary.PainPoints, field, e)),
            QuestionIds.Personas => Personas(answer, errors),
            QuestionIds.Disqualifiers => Disqualifiers(answer, errors, profile, vocabulary),
            QuestionIds.Weights => Weights(answer, errors, profile),
            _ => throw new ArgumentException($"Unknown question '{questionId}'.", nameof(questionId)),
        };

        if (errors.Rejection() is { } rejection) return Reject(rejection);
        // An empty weights object is an answer (every default), not an empty choice.
        if (normalised is System.Collections.ICollection { Count: 0 } && questionId != QuestionIds.Weights)
        {
            return WorkshopQuestions.IsOptional(questionId)
                ? new AnswerCheck(null, null)
                : Reject(WorkshopRejection.BreaksRule("answer", "Choose at least one."));
        }
        return new AnswerCheck(JsonSerializer.SerializeToElement(normalised, ModelJson.Options), null);
    }

    private static AnswerCheck Reject(WorkshopRejection rejection) => new(null, rejection);

    private static string? Fail(AnswerErrors errors, string field, string message)
    {
        errors.BreaksRule(field, message);
        return null;
    }

    /// <summary>A list of values (one value alone counts as a list of one), each mapped; duplicates dropped.</summary>
    private static List<string> Terms(JsonElement answer, AnswerErrors errors, Func<string, string, AnswerErrors, string?> map,
        string at = "answer")
    {
        var values = new List<string>();
        foreach (var (item, field) in Items(answer, errors, at))
        {
            if (Text(item, field, errors) is { } text && map(text, field, errors) is { } value
                && !values.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                values.Add(value);
            }
        }
        return values;
    }

    private static IEnumerable<(JsonElement Item, string Field)> Items(JsonElement answer, AnswerErrors errors, string at = "answer")
    {
        switch (answer.ValueKind)
        {
            case JsonValueKind.String:
            case JsonValueKind.Object:
                return [(answer, at)];
            case JsonValueKind.Array when answer.GetArrayLength() > MaxItems:
                errors.BreaksRule(at, $"An answer may hold at most {MaxItems} values.");
                return [];
            case JsonValueKind.Array:
                return answer.EnumerateArray().Select((item, i) => (item, $"{at}[{i}]")).ToList();
            default:
                errors.Malformed(at, "Answer with a list of values.");
                return [];
        }
    }

    private static string? Text(JsonElement item, string field, AnswerErrors errors)
    {
        if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
        {
            errors.Malformed(field, "Each value must be non-blank text.");
            return null;
        }
        var text = item.GetString()!.Trim();
        if (text.Length <= MaxText) return text;
        errors.BreaksRule(field, $"A value may be at most {MaxText} characters long.");
        return null;
    }

    /// <summary>An offered term by value or label, else the text as a new snake_case term.</summary>
    private static string? Term(string text, IReadOnlyList<TaxonomyTerm> offered, string field, AnswerErrors errors)
    {
        var known = offered.FirstOrDefault(t => string.Equals(t.Value, text, StringComparison.OrdinalIgnoreCase)
                                                || string.Equals(t.Label, text, StringComparison.OrdinalIgnoreCase));
        if (known is not null) return known.Value;
        var term = WorkshopText.SnakeCase(text);
        return term.Length > 0 ? term : Fail(errors, field, $"'{text}' has no letters or digits to make a term of.");
    }

    private static Dictionary<string, decimal>? Range(JsonElement answer, AnswerErrors errors, IReadOnlyList<SizeBand> bands)
    {
        decimal? min, max;
        switch (answer.ValueKind)
        {
            case JsonValueKind.String:
                var text = answer.GetString()!.Trim();
                var band = bands.FirstOrDefault(b => string.Equals(b.Value, text, StringComparison.OrdinalIgnoreCase)
                                                     || string.Equals(b.Label, text, StringComparison.OrdinalIgnoreCase));
                if (band is not null)
                {
                    (min, max) = (band.Min, band.Max);
                }
                else if (RangeText(text) is { } parsed)
                {
                    (min, max) = parsed;
                }
                else
                {
                    errors.BreaksRule("answer", $"'{text}' is no band ({string.Join(", ", bands.Select(b => b.Value))}) " +
                                                "and no range such as \"50-500\" or \"1000+\".");
                    return null;
                }
                break;
            case JsonValueKind.Object:
                min = Bound(answer, "min", errors);
                max = Bound(answer, "max", errors);
                if (errors.Any) return null;
                break;
            default:
                errors.Malformed("answer", "Answer with {\"min\": …, \"max\": …} (either may be null) or a band's value.");
                return null;
        }

        if (min is null && max is null)
        {
            errors.Malformed("answer", "Give 'min', 'max' or both.");
            return null;
        }
        if (min < 0) errors.BreaksRule("answer.min", "'min' must not be negative.");
        if (max < 0) errors.BreaksRule("answer.max", "'max' must not be negative.");
        if (min > max) errors.BreaksRule("answer.min", "'min' must not be greater than 'max'.");
        if (errors.Any) return null;

        var range = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (min is { } low) range["min"] = low;
        if (max is { } high) range["max"] = high;
        return range;
    }

    private static decimal? Bound(JsonElement range, string name, AnswerErrors errors)
    {
        var member = range.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (member.Value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return null;
        if (member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetDecimal(out var value)) return WorkshopText.Plain(value);
        errors.Malformed($"answer.{name}", $"'{name}' must be a number or null.");
        return null;
    }

    /// <summary>"50-500", "50 – 500", "50 to 500", "1M-10M", "10-20M", "1000+": the rule of <see cref="Quantity"/>.</summary>
    private static (decimal? Min, decimal? Max)? RangeText(string text) =>
        Quantity.TryParseRange(text, out var min, out var max) ? (WorkshopText.Plain(min), max is { } m ? WorkshopText.Plain(m) : null) : null;

    /// <summary>Personas from option values, typed roles, or objects {role, seniority, department}; one per role.</summary>
    private static List<Persona> Personas(JsonElement answer, AnswerErrors errors)
    {
        var personas = new List<Persona>();
        foreach (var (item, field) in Items(answer, errors))
        {
            var persona = item.ValueKind == JsonValueKind.Object
                ? PersonaObject(item, field, errors)
                : Text(item, field, errors) is { } text ? WorkshopPersonas.FromOption(text) ?? WorkshopPersonas.FromRole(text) : null;
            if (persona is not null && !personas.Any(p => string.Equals(p.Role, persona.Role, StringComparison.OrdinalIgnoreCase)))
            {
                personas.Add(persona);
            }
        }
        return personas;
    }

    private static Persona? PersonaObject(JsonElement item, string field, AnswerErrors errors)
    {
        string? role = null;
        List<string>? seniority = null, department = null;
        foreach (var member in item.EnumerateObject())
        {
            switch (member.Name.ToLowerInvariant())
            {
                case "role":
                    role = Text(member.Value, $"{field}.role", errors);
                    break;
                case "seniority":
                    seniority = Terms(member.Value, errors, (text, _, _) => WorkshopPersonas.Seniority(text) ?? WorkshopText.SnakeCase(text),
                        $"{field}.seniority");
                    break;
                case "department":
                    department = Terms(member.Value, errors, (text, _, _) => WorkshopPersonas.Department(text) ?? WorkshopText.SnakeCase(text),
                        $"{field}.department");
                    break;
            }
        }
        if (role is null)
        {
            if (!errors.Any) errors.Malformed($"{field}.role", "A persona needs a role.");
            return null;
        }
        return new Persona(role, seniority is { Count: > 0 } ? seniority : null, department is { Count: > 0 } ? department : null);
    }

    /// <summary>Offered options by value (or label), else a disqualifier read from the text; one per key.</summary>
    private static List<object> Disqualifiers(JsonElement answer, AnswerErrors errors, WorkshopProfile profile, WorkshopVocabulary vocabulary)
    {
        var offered = WorkshopDisqualifiers.Options(profile);
        var choices = new List<object>();
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (item, field) in Items(answer, errors))
        {
            if (Text(item, field, errors) is not { } text) continue;

            var option = offered.FirstOrDefault(o => string.Equals(o.Value, text, StringComparison.OrdinalIgnoreCase)
                                                     || string.Equals(o.Label, text, StringComparison.OrdinalIgnoreCase));
            if (option is null && WorkshopDisqualifiers.IsOption(text.ToLowerInvariant()))
            {
                errors.BreaksRule(field, $"'{text}' is not offered: it needs the answer it is derived from " +
                                         "(a minimum or maximum company size, or regions).");
                continue;
            }

            var choice = option is not null ? new DisqualifierChoice(option.Value, null) : WorkshopDisqualifiers.Parse(text, vocabulary);
            if (choice is null)
            {
                errors.BreaksRule(field, $"'{text}' reads as no disqualifier; write e.g. \"fewer than 10 employees\", \"more than 5000 employees\", " +
                                         "\"outside EU\", a country or region, an industry, \"sales department\" or \"competitor\".");
                continue;
            }
            if (keys.Add(choice.Option ?? choice.Custom!.Key!)) choices.Add((object?)choice.Option ?? choice.Custom!);
        }
        return choices;
    }

    /// <summary>{trait: weight} over the traits answered so far; a trait left out keeps its default.</summary>
    private static Dictionary<string, decimal>? Weights(JsonElement answer, AnswerErrors errors, WorkshopProfile profile)
    {
        if (answer.ValueKind != JsonValueKind.Object)
        {
            errors.Malformed("answer", "Answer with an object {\"trait\": weight}, e.g. {\"industry\": 30, \"size\": 20}.");
            return null;
        }

        var traits = WorkshopTraits.Of(profile);
        var weights = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var member in answer.EnumerateObject())
        {
            var field = $"answer.{member.Name}";
            if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetDecimal(out var weight))
            {
                errors.Malformed(field, "A weight must be a number.");
                continue;
            }
            var trait = traits.FirstOrDefault(t => string.Equals(t.Key, member.Name, StringComparison.OrdinalIgnoreCase));
            if (trait is null)
            {
                errors.BreaksRule(field, $"'{member.Name}' is not a trait of this workshop; weigh {string.Join(", ", traits.Select(t => t.Key))}.");
            }
            else if (weight is < -100 or > 100)
            {
                errors.BreaksRule(field, "A weight lies between -100 and 100.");
            }
            else
            {
                weights[trait.Key] = WorkshopText.Plain(weight);
            }
        }
        // A trait left out keeps its default weight, so {} accepts the defaults.
        if (!errors.Any && !traits.Any(t => weights.GetValueOrDefault(t.Key, t.DefaultWeight) > 0))
        {
            errors.BreaksRule("answer", "At least one trait needs a positive weight.");
        }
        // Trait order, so that equal weightings are stored alike whatever order they were sent in.
        return errors.Any ? null : traits.Where(t => weights.ContainsKey(t.Key)).ToDictionary(t => t.Key, t => weights[t.Key]);
    }
}
