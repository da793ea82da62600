namespace GrowthKit.Model;

/// <summary>
/// What PostgreSQL cannot store: <c>text</c> and <c>jsonb</c> refuse U+0000, and UTF-8 cannot
/// encode a lone surrogate. Checked before anything is stored, so such input is a 400, not a 500.
/// </summary>
public static class StorableText
{
    public static bool IsStorable(string? text)
    {
        if (text is null) return true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }

    public const string Message = "must not contain U+0000 or unpaired surrogates";
}
