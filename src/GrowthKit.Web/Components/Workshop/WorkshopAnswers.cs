using System.Globalization;
using System.Text.Json;
using GrowthKit.Web.Api;

namespace GrowthKit.Web.Components.Workshop;

/// <summary>Workshop answers as the transcript shows them, and the numbers inside them.</summary>
public static class WorkshopAnswers
{
    /// <summary>An answer in words: option labels for option values, ranges and weights in short sentences.</summary>
    public static string Text(string questionId, WorkshopQuestion? question, JsonElement? answer)
    {
        if (answer is not { } a || a.ValueKind == JsonValueKind.Null) return "Skipped";
        string Label(string value) => OptionLabel(question, value);

        return a.ValueKind switch
        {
            JsonValueKind.Array => a.GetArrayLength() == 0 ? "None" : string.Join(", ", a.EnumerateArray().Select(i =>
                i.ValueKind == JsonValueKind.String ? Label(i.GetString()!) : ObjectLabel(i))),
            JsonValueKind.String => Label(a.GetString()!),
            JsonValueKind.Object when questionId == "weights" || question?.Kind == "weights" =>
                a.EnumerateObject().Any()
                    ? string.Join(" · ", a.EnumerateObject().Select(p => $"{Label(p.Name)} {Describe.Value(p.Value)}"))
                    : "The suggested weights",
            JsonValueKind.Object when a.TryGetProperty("min", out _) || a.TryGetProperty("max", out _) => RangeText(a),
            _ => ObjectLabel(a),
        };
    }

    /// <summary>An option's label, or the value in words when the question (or the option) is not known here.</summary>
    public static string OptionLabel(WorkshopQuestion? question, string value) =>
        question?.Options?.FirstOrDefault(o => o.Value == value)?.Label ?? Describe.Term(value);

    public static string RangeText(JsonElement a) => (Number(a, "min"), Number(a, "max")) switch
    {
        ({ } min, { } max) => $"{Describe.Number(min)} – {Describe.Number(max)}",
        ({ } min, null) => $"{Describe.Number(min)} or more",
        (null, { } max) => $"up to {Describe.Number(max)}",
        _ => "Any",
    };

    /// <summary>An object answer (a persona, a disqualifier) by its most telling property.</summary>
    public static string ObjectLabel(JsonElement o)
    {
        foreach (var name in new[] { "role", "reason", "label", "key" })
        {
            if (o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
            {
                return v.GetString()!;
            }
        }
        return Describe.Value(o);
    }

    public static decimal? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;

    /// <summary>The question's text, or one made from its id when the question was asked in another tab.</summary>
    public static string QuestionText(string id, WorkshopQuestion? question) =>
        question?.Text ?? char.ToUpperInvariant(id[0]) + id[1..].Replace('-', ' ') + "?";

    /// <summary>The kind of a question known only by its id (resumed in a new tab): free text still works for the rest.</summary>
    public static string KindGuess(string id) => id switch
    {
        "company-size" or "revenue" => "range",
        "weights" => "weights",
        _ => "multi",
    };

    public static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
