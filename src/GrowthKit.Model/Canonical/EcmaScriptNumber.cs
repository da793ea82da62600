using System.Globalization;
using System.Text;

namespace GrowthKit.Model;

/// <summary>Formats a double as ECMAScript's Number.prototype.toString does, which RFC 8785 prescribes.</summary>
public static class EcmaScriptNumber
{
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON (RFC 8785) has no NaN or Infinity.");
        if (value == 0)
            return "0"; // -0 too
        if (value < 0)
            return "-" + Format(-value);

        var (digits, exponent) = ShortestDigits(value);
        return Layout(digits, exponent);
    }

    // .NET's "R" is the shortest string that round-trips, as ES requires; only its layout differs.
    // Returns the significant digits s and the exponent n of ES's algorithm: value = 0.s × 10^n.
    private static (string Digits, int N) ShortestDigits(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = text.IndexOf('E');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var point = text.IndexOf('.');
        var integerDigits = point < 0 ? text.Length : point;
        var digits = point < 0 ? text : text.Remove(point, 1);
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        return (digits.Trim('0'), integerDigits - leadingZeros + exponent);
    }

    // ECMA-262 Number::toString, steps for k digits s and exponent n.
    private static string Layout(string s, int n)
    {
        var k = s.Length;
        if (k <= n && n <= 21)
            return s + new string('0', n - k);
        if (0 < n && n <= 21)
            return s[..n] + "." + s[n..];
        if (-6 < n && n <= 0)
            return "0." + new string('0', -n) + s;

        var builder = new StringBuilder();
        builder.Append(s[0]);
        if (k > 1)
            builder.Append('.').Append(s, 1, k - 1);
        builder.Append('e').Append(n - 1 >= 0 ? '+' : '-').Append(Math.Abs(n - 1).ToString(CultureInfo.InvariantCulture));
        return builder.ToString();
    }
}
