using System.Globalization;
using System.Text.RegularExpressions;

namespace GrowthKit.Model;

/// <summary>
/// Reads the counts and amounts CRMs export as text — <c>"120"</c>, <c>"51-200"</c>, <c>"10,000+"</c>,
/// <c>"1k-5k"</c>, <c>"2.5M"</c> — as the one number a lead is scored on.
/// </summary>
/// <remarks>
/// The rule: a number may group thousands with commas (<c>10,000</c>; '.' is always the decimal point)
/// and carry a suffix <c>k</c> (thousand), <c>m</c>/<c>mm</c>/<c>mn</c> (million) or <c>b</c>/<c>bn</c>
/// (billion), in any case. A range <c>low-high</c> (hyphen, en or em dash, or "to") is its midpoint
/// rounded down to a whole number (<c>"51-200"</c> → 125, <c>"1k-5k"</c> → 3000; a bare lower bound
/// takes the upper one's suffix, so <c>"10-20M"</c> → 15000000); an open range
/// <c>low+</c> is its lower bound (<c>"10,000+"</c> → 10000). Signs, currencies and words are not
/// numbers: such text is rejected rather than guessed at.
/// </remarks>
public static partial class Quantity
{
    public const string Expected =
        "Expected a number, or text holding one or a range, such as \"120\", \"51-200\", \"10,000+\" or \"1k-5k\".";

    /// <summary>
    /// The number <paramref name="text"/> stands for; null for blank text (nothing known, as "" is
    /// elsewhere). False when the text is neither a number nor a range.
    /// </summary>
    public static bool TryParse(string? text, out decimal? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
            return true;
        if (!TryRead(text, out var low, out var high, out var form))
            return false;
        // Halved before adding, so that two bounds near decimal.MaxValue cannot overflow.
        value = form == Form.Range ? decimal.Floor(low / 2 + high!.Value / 2) : low;
        return true;
    }

    /// <summary>One number, with the same rule: <c>"1,000"</c>, <c>"2.5k"</c>, <c>"10M"</c>; no range.</summary>
    public static bool TryParseAmount(string? text, out decimal value) =>
        TryRead(text, out value, out _, out var form) & form == Form.Single;

    /// <summary>
    /// A range as its bounds, with the same rule: <c>"51-200"</c> → 51 and 200, <c>"10-20M"</c> →
    /// 10M and 20M, <c>"1000+"</c> → 1000 and no upper bound. False for a single number or other text.
    /// </summary>
    public static bool TryParseRange(string? text, out decimal low, out decimal? high) =>
        TryRead(text, out low, out high, out var form) & form != Form.Single;

    private enum Form { Single, Range, Open }

    private static bool TryRead(string? text, out decimal low, out decimal? high, out Form form)
    {
        low = 0;
        high = null;
        form = Form.Single;
        var match = text is null ? Match.Empty : Pattern().Match(text.Trim());
        if (!match.Success)
            return false;
        // "10-20M" means 10M to 20M: a bare lower bound takes the upper bound's suffix.
        var highSuffix = match.Groups["highSuffix"].Value;
        var lowSuffix = match.Groups["lowSuffix"].Success ? match.Groups["lowSuffix"].Value : highSuffix;
        if (!TryNumber(match.Groups["lowNumber"].Value, lowSuffix, out low))
            return false;
        if (match.Groups["open"].Success)
        {
            form = Form.Open;
            return true;
        }
        if (!match.Groups["highNumber"].Success)
        {
            high = low;
            return true;
        }
        form = Form.Range;
        if (!TryNumber(match.Groups["highNumber"].Value, highSuffix, out var upper) || upper < low)
            return false;
        high = upper;
        return true;
    }

    private static bool TryNumber(string text, string suffix, out decimal value)
    {
        value = 0;
        var digits = text.Replace(",", "", StringComparison.Ordinal);
        if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            return false;
        var factor = suffix.ToLowerInvariant() switch
        {
            "" => 1m,
            "k" => 1_000m,
            "m" or "mm" or "mn" => 1_000_000m,
            _ => 1_000_000_000m,
        };
        try
        {
            value = number * factor;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private const string Number = @"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?";
    private const string Suffix = "(?:k|mm|mn|m|bn|b)";

    [GeneratedRegex(
        $@"^(?<lowNumber>{Number})\s*(?<lowSuffix>{Suffix})?(?:\s*(?:-|–|—|to)\s*(?<highNumber>{Number})\s*(?<highSuffix>{Suffix})?|\s*(?<open>\+))?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
