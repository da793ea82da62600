using System.Globalization;
using System.Text.RegularExpressions;
using GrowthKit.Model;

namespace GrowthKit.Icp.Workshops;

/// <summary>How the workshop writes and reads numbers, lists and terms in plain language.</summary>
public static partial class WorkshopText
{
    public static string Number(decimal n) => n.ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>25000000 → "25M", 1500 → "1.5K": revenue as people say it.</summary>
    public static string Amount(decimal n) => n switch
    {
        >= 1_000_000_000 => $"{Number(n / 1_000_000_000)}B",
        >= 1_000_000 => $"{Number(n / 1_000_000)}M",
        >= 1_000 => $"{Number(n / 1_000)}K",
        _ => Number(n),
    };

    /// <summary>"a", "a or b", "a, b or c".</summary>
    public static string Or(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list[..^1])} or {list[^1]}";
    }

    /// <summary>A region stays its name; a country code reads as the country ("DE" → "Germany").</summary>
    public static string Place(string value) =>
        value.Length == 2 && Taxonomy.Countries.FirstOrDefault(c => c.Value == value) is { } country ? country.Label : value;

    /// <summary>"Hired a CFO!" → "hired_a_cfo": the form new trigger and pain terms are kept in.</summary>
    public static string SnakeCase(string text) => NotWord().Replace(text.Trim().ToLowerInvariant(), "_").Trim('_');

    public static string Slug(string text)
    {
        var slug = NotWord().Replace(text.Trim().ToLowerInvariant(), "-").Trim('-');
        return slug.Length > 60 ? slug[..60].TrimEnd('-') : slug;
    }

    public static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>Lower-cases the first letter for use mid-sentence, unless the word is an acronym ("EU").</summary>
    public static string MidSentence(string text) =>
        text.Length == 0 || (text.Length > 1 && char.IsUpper(text[1])) ? text : char.ToLowerInvariant(text[0]) + text[1..];

    public static string WithArticle(string noun) =>
        (noun.Length > 0 && "AEIOUaeiou".Contains(noun[0]) ? "an " : "a ") + noun;

    /// <summary>2500.0 → 2500: one spelling per number, so that equal answers are stored alike.</summary>
    public static decimal Plain(decimal n) => n / 1.000000000000000000000000000000000m;

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex NotWord();
}
