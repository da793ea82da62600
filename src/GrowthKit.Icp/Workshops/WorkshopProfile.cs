using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Icp.Workshops;

/// <summary>Employees or revenue from <see cref="Min"/> to <see cref="Max"/>; either end may be open.</summary>
public sealed record NumberRange(decimal? Min, decimal? Max);

/// <summary>
/// A disqualifier the user chose: one of the offered options (<see cref="Option"/>, resolved
/// against the other answers when the definition is built) or one read from free text.
/// </summary>
public sealed record DisqualifierChoice(string? Option, Disqualifier? Custom);

/// <summary>The answers so far, typed: what the questions, the preview and the definition are built from.</summary>
public sealed record WorkshopProfile(
    IReadOnlyList<string> Industries,
    NumberRange? CompanySize,
    NumberRange? Revenue,
    IReadOnlyList<string> Regions,
    IReadOnlyList<string> BuyingTriggers,
    IReadOnlyList<string> PainPoints,
    IReadOnlyList<Persona> Personas,
    IReadOnlyList<DisqualifierChoice> Disqualifiers,
    IReadOnlyDictionary<string, decimal> Weights)
{
    public static WorkshopProfile Empty { get; } = From(new Dictionary<string, JsonElement?>());

    /// <summary>The departments the personas work in, first mention first.</summary>
    public IReadOnlyList<string> Departments =>
        Personas.SelectMany(p => p.Department ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Reads answers as <see cref="WorkshopAnswers"/> normalised them; anything else counts as unanswered.</summary>
    public static WorkshopProfile From(IReadOnlyDictionary<string, JsonElement?> answers) => new(
        Texts(answers, QuestionIds.Industries),
        Range(answers, QuestionIds.CompanySize),
        Range(answers, QuestionIds.Revenue),
        Texts(answers, QuestionIds.Regions),
        Texts(answers, QuestionIds.BuyingTriggers),
        Texts(answers, QuestionIds.PainPoints),
        Items(answers, QuestionIds.Personas)
            .Where(e => e.ValueKind == JsonValueKind.Object)
            .Select(e => e.Deserialize<Persona>(ModelJson.Options)!)
            .ToList(),
        Items(answers, QuestionIds.Disqualifiers)
            .Select(e => e.ValueKind == JsonValueKind.String
                ? new DisqualifierChoice(e.GetString(), null)
                : new DisqualifierChoice(null, e.Deserialize<Disqualifier>(ModelJson.Options)))
            .ToList(),
        WeightsOf(answers));

    public static WorkshopProfile From(WorkshopState state) => From(state.Answers);

    private static IEnumerable<JsonElement> Items(IReadOnlyDictionary<string, JsonElement?> answers, string questionId) =>
        answers.TryGetValue(questionId, out var answer) && answer is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray()
            : [];

    private static List<string> Texts(IReadOnlyDictionary<string, JsonElement?> answers, string questionId) =>
        Items(answers, questionId).Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();

    private static NumberRange? Range(IReadOnlyDictionary<string, JsonElement?> answers, string questionId)
    {
        if (!answers.TryGetValue(questionId, out var answer) || answer is not { ValueKind: JsonValueKind.Object } range) return null;
        var min = Number(range, "min");
        var max = Number(range, "max");
        return min is null && max is null ? null : new NumberRange(min, max);
    }

    private static decimal? Number(JsonElement o, string name) =>
        o.TryGetProperty(name, out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetDecimal(out var d) ? d : null;

    private static Dictionary<string, decimal> WeightsOf(IReadOnlyDictionary<string, JsonElement?> answers)
    {
        var weights = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (answers.TryGetValue(QuestionIds.Weights, out var answer) && answer is { ValueKind: JsonValueKind.Object } o)
        {
            foreach (var p in o.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDecimal(out var w)) weights[p.Name] = w;
            }
        }
        return weights;
    }
}

/// <summary>A trait the weighting step weighs: one criterion of the definition, present once its question has an answer.</summary>
public sealed record WorkshopTrait(string Key, string Label, decimal DefaultWeight);

public static class WorkshopTraits
{
    // The keys are the criteria's keys in the draft.
    public const string Industry = "industry";
    public const string Size = "size";
    public const string Revenue = "revenue";
    public const string Region = "region";
    public const string Trigger = "trigger";
    public const string Pain = "pain";
    public const string Department = "department";

    /// <summary>
    /// The traits the answers give, in criteria order. The default weights are API.md's example
    /// (industry 30, size 25, region 20, trigger 15, pain 10) with revenue and the buyer's department
    /// at 10: scores are shares of the weights present, so only their proportions matter.
    /// </summary>
    public static IReadOnlyList<WorkshopTrait> Of(WorkshopProfile profile)
    {
        var traits = new List<WorkshopTrait>();
        if (profile.Industries.Count > 0) traits.Add(new(Industry, "Industry", 30));
        if (profile.CompanySize is not null) traits.Add(new(Size, "Company size", 25));
        if (profile.Revenue is not null) traits.Add(new(Revenue, "Annual revenue", 10));
        if (profile.Regions.Count > 0) traits.Add(new(Region, "Region", 20));
        if (profile.BuyingTriggers.Count > 0) traits.Add(new(Trigger, "Buying trigger", 15));
        if (profile.PainPoints.Count > 0) traits.Add(new(Pain, "Pain point", 10));
        if (profile.Departments.Count > 0) traits.Add(new(Department, "The buyer's department", 10));
        return traits;
    }

    /// <summary>The weight the user gave the trait, else its default.</summary>
    public static decimal WeightOf(WorkshopTrait trait, WorkshopProfile profile) =>
        profile.Weights.TryGetValue(trait.Key, out var weight) ? weight : trait.DefaultWeight;
}
