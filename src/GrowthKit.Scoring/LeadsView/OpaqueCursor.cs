using System.Buffers.Text;
using System.Text;

namespace GrowthKit.Scoring.LeadsView;

/// <summary>Cursors clients pass back untouched: a kind and its parts, base64url-encoded.</summary>
public static class OpaqueCursor
{
    private const char Separator = '|';

    public static string Write(string kind, params string[] parts) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join(Separator, [kind, .. parts])));

    public static bool TryRead(string cursor, string kind, out string[] parts)
    {
        parts = [];
        try
        {
            var all = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(Separator);
            if (all.Length < 2 || all[0] != kind) return false;
            parts = all[1..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
