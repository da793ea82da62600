using System.Text;

namespace GrowthKit.Model;

/// <summary>
/// The form free text is compared in when it is looked up in the taxonomy: lower case, accents
/// folded, '&amp;' read as "and", a leading "the" dropped, and every other non-letter, non-digit
/// removed — so "The Netherlands", "netherlands" and "Transportation &amp; Warehousing" find their term.
/// </summary>
internal static class LookupKey
{
    // The library runs with invariant globalization, where string.Normalize does not decompose
    // accented letters, so the common Latin ones are folded by hand.
    private const string Accented = "àáâãäåāăąçćčďđèéêëēėęěìíîïīįıñńňòóôõöøōőùúûüūůűųýÿźżžśšşșţțťřłğ";
    private const string Plain = "aaaaaaaaacccddeeeeeeeeiiiiiiinnnoooooooouuuuuuuuyyzzzsssstttrlg";

    public static string Of(string text)
    {
        var lower = text.Trim().ToLowerInvariant();
        if (lower.StartsWith("the ", StringComparison.Ordinal))
            lower = lower[4..];

        var key = new StringBuilder(lower.Length);
        foreach (var c in lower)
        {
            if (c == '&')
                key.Append("and");
            else if (c == 'ß')
                key.Append("ss");
            else if (c == 'æ')
                key.Append("ae");
            else if (c == 'œ')
                key.Append("oe");
            else if (Accented.IndexOf(c, StringComparison.Ordinal) is >= 0 and var at)
                key.Append(Plain[at]);
            else if (char.IsAsciiLetterOrDigit(c))
                key.Append(c);
        }
        return key.ToString();
    }
}
