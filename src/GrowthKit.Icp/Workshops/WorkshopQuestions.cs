using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Icp.Workshops;

/// <summary>The questions' ids: stable, kebab-case, in the order they are asked.</summary>
public static class QuestionIds
{
    public const string Industries = "industries";
    public const string CompanySize = "company-size";
    public const string Revenue = "revenue";
    public const string Regions = "regions";
    public const string BuyingTriggers = "buying-triggers";
    public const string PainPoints = "pain-points";
    public const string Personas = "personas";
    public const string Disqualifiers = "disqualifiers";
    public const string Weights = "weights";

    public static IReadOnlyList<string> InOrder { get; } =
        [Industries, CompanySize, Revenue, Regions, BuyingTriggers, PainPoints, Personas, Disqualifiers, Weights];
}

public static class QuestionKinds
{
    public const string Single = "single";
    public const string Multi = "multi";
    public const string Range = "range";
    public const string Text = "text";
    public const string Weights = "weights";
}

public sealed record QuestionOption(string Value, string Label);

/// <summary>
/// A question as the API shows it. <see cref="Step"/> of <see cref="Of"/> places it in the flow;
/// an optional question takes <c>null</c> as "skip"; <see cref="Defaults"/> are the weighting step's.
/// </summary>
public sealed record WorkshopQuestion(
    string Id,
    string Text,
    string Kind,
    string Help,
    bool Optional,
    int Step,
    int Of,
    IReadOnlyList<QuestionOption>? Options = null,
    IReadOnlyDictionary<string, decimal>? Defaults = null);

/// <summary>The question flow: which questions there are, in which order, and what each one offers now.</summary>
public static class WorkshopQuestions
{
    private sealed record Spec(string Kind, bool Optional, string Text, string Help);

    private static readonly Dictionary<string, Spec> Specs = new(StringComparer.Ordinal)
    {
        [QuestionIds.Industries] = new(QuestionKinds.Multi, false,
            "Which industries are your best customers in?",
            "Pick NAICS sectors, or type a sector, a NAICS code or a word such as \"logistics\"; text that names no sector is kept as written."),
        [QuestionIds.CompanySize] = new(QuestionKinds.Range, false,
            "How many employees do your best customers have?",
            "Answer {\"min\": 50, \"max\": 500}; either end may be null for an open range. The options are common size bands and may be answered by value."),
        [QuestionIds.Revenue] = new(QuestionKinds.Range, true,
            "What annual revenue do they make?",
            "Answer {\"min\", \"max\"} in the currency your leads report, or a band's value; null skips the question."),
        [QuestionIds.Regions] = new(QuestionKinds.Multi, true,
            "Where are they based?",
            "Regions (DACH, Nordics, EU, …) stay regions in the workshop and become their countries when the draft is saved; countries by code or name. [] or null: anywhere."),
        [QuestionIds.BuyingTriggers] = new(QuestionKinds.Multi, true,
            "What had just happened inside the company when they bought?",
            "Pick triggers or describe your own; a new one is kept as a snake_case term (\"Hired a CFO\" → hired_a_cfo)."),
        [QuestionIds.PainPoints] = new(QuestionKinds.Multi, true,
            "Which problem was acute enough to pay for?",
            "Pick pain points or describe your own; a new one is kept as a snake_case term."),
        [QuestionIds.Personas] = new(QuestionKinds.Multi, true,
            "Who decides, and who uses it?",
            "Pick a seniority and department, type a role such as \"Head of Operations\" (its seniority and department are recognised), " +
            "or give {\"role\", \"seniority\": [...], \"department\": [...]}. The departments become a criterion."),
        [QuestionIds.Disqualifiers] = new(QuestionKinds.Multi, true,
            "What rules a lead out, however well it fits otherwise?",
            "Pick options or type e.g. \"fewer than 10 employees\", \"more than 5000 employees\", a country or region, an industry, " +
            "a department or \"competitor\". [] or null: nothing."),
        [QuestionIds.Weights] = new(QuestionKinds.Weights, false,
            "Which traits matter most?",
            "Answer {\"trait\": weight, …} (from -100 to 100) with at least one positive weight; a trait left out keeps its default, 0 drops it."),
    };

    /// <summary>Revenue bands offered as hints (and accepted by value) for the revenue question.</summary>
    public static IReadOnlyList<SizeBand> RevenueBands { get; } =
    [
        new("0-1m", "Under 1M", 0, 1_000_000),
        new("1m-10m", "1M–10M", 1_000_000, 10_000_000),
        new("10m-50m", "10M–50M", 10_000_000, 50_000_000),
        new("50m-250m", "50M–250M", 50_000_000, 250_000_000),
        new("250m-1b", "250M–1B", 250_000_000, 1_000_000_000),
        new("1b+", "Over 1B", 1_000_000_000, null),
    ];

    public static bool IsKnown(string? questionId) => questionId is not null && Specs.ContainsKey(questionId);

    public static bool IsOptional(string questionId) => Specs[questionId].Optional;

    public static string KindOf(string questionId) => Specs[questionId].Kind;

    /// <summary>The first question without an answer (a skipped one counts as answered), or null when all are answered.</summary>
    public static string? CurrentId(IReadOnlyDictionary<string, JsonElement?> answers) =>
        QuestionIds.InOrder.FirstOrDefault(id => !answers.ContainsKey(id));

    public static IReadOnlyList<string> Unanswered(IReadOnlyDictionary<string, JsonElement?> answers) =>
        QuestionIds.InOrder.Where(id => !answers.ContainsKey(id)).ToList();

    /// <summary>The current question and every one before it may be answered; later ones wait their turn.</summary>
    public static bool IsReachable(string questionId, IReadOnlyDictionary<string, JsonElement?> answers) =>
        CurrentId(answers) is not { } current || Index(questionId) <= Index(current);

    private static int Index(string questionId) => QuestionIds.InOrder.ToList().IndexOf(questionId);

    public static WorkshopQuestion? Current(WorkshopState state, WorkshopVocabulary vocabulary) =>
        state.Completed is null && CurrentId(state.Answers) is { } id ? Ask(id, WorkshopProfile.From(state), vocabulary) : null;

    /// <summary>The question with the options it offers given the answers so far.</summary>
    public static WorkshopQuestion Ask(string questionId, WorkshopProfile profile, WorkshopVocabulary vocabulary)
    {
        var spec = Specs[questionId];
        var question = new WorkshopQuestion(questionId, spec.Text, spec.Kind, spec.Help, spec.Optional,
            Index(questionId) + 1, QuestionIds.InOrder.Count);
        return questionId switch
        {
            QuestionIds.Industries => question with { Options = Terms(Taxonomy.Industries) },
            QuestionIds.CompanySize => question with { Options = Bands(Taxonomy.CompanySizes) },
            QuestionIds.Revenue => question with { Options = Bands(RevenueBands) },
            QuestionIds.Regions => question with
            {
                Options =
                [
                    .. vocabulary.Regions.Select(g => new QuestionOption(g.Name, $"{g.Name} ({string.Join(", ", g.Members)})")),
                    .. Terms(Taxonomy.Countries),
                ],
            },
            QuestionIds.BuyingTriggers => question with { Options = Terms(vocabulary.BuyingTriggers) },
            QuestionIds.PainPoints => question with { Options = Terms(vocabulary.PainPoints) },
            QuestionIds.Personas => question with { Options = WorkshopPersonas.Options },
            QuestionIds.Disqualifiers => question with { Options = WorkshopDisqualifiers.Options(profile) },
            QuestionIds.Weights => question with
            {
                Options = WorkshopTraits.Of(profile).Select(t => new QuestionOption(t.Key, t.Label)).ToList(),
                Defaults = WorkshopTraits.Of(profile).ToDictionary(t => t.Key, t => t.DefaultWeight),
            },
            _ => question,
        };
    }

    private static List<QuestionOption> Terms(IEnumerable<TaxonomyTerm> terms) =>
        terms.Select(t => new QuestionOption(t.Value, t.Label)).ToList();

    private static List<QuestionOption> Bands(IEnumerable<SizeBand> bands) =>
        bands.Select(b => new QuestionOption(b.Value, b.Label)).ToList();
}
