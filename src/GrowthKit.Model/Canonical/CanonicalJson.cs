using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>RFC 8785 JSON Canonicalization Scheme (JCS): one byte sequence for one JSON value.</summary>
public static class CanonicalJson
{
    public static string Serialize(JsonElement value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    /// <summary>The canonical JSON of a model value serialised with <see cref="ModelJson.Options"/>.</summary>
    public static string Of<T>(T value) => Serialize(JsonSerializer.SerializeToElement(value, ModelJson.Options));

    /// <summary>Value equality for model records, whose lists compare by reference.</summary>
    public static bool AreEqual<T>(T left, T right) => string.Equals(Of(left), Of(right), StringComparison.Ordinal);

    private static void Write(StringBuilder builder, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(builder, value);
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                        builder.Append(',');
                    first = false;
                    Write(builder, item);
                }
                builder.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(builder, value.GetString()!);
                break;
            case JsonValueKind.Number:
                builder.Append(EcmaScriptNumber.Format(ToDouble(value)));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            case JsonValueKind.Null:
                builder.Append("null");
                break;
            default:
                throw new ArgumentException($"Cannot canonicalise a JSON value of kind {value.ValueKind}.", nameof(value));
        }
    }

    private static void WriteObject(StringBuilder builder, JsonElement value)
    {
        // A repeated name keeps its last value, as ECMAScript's JSON.parse does.
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
            members[member.Name] = member.Value;

        // string.CompareOrdinal compares UTF-16 code units, the order RFC 8785 prescribes.
        var names = members.Keys.ToArray();
        Array.Sort(names, string.CompareOrdinal);

        builder.Append('{');
        for (var i = 0; i < names.Length; i++)
        {
            if (i > 0)
                builder.Append(',');
            WriteString(builder, names[i]);
            builder.Append(':');
            Write(builder, members[names[i]]);
        }
        builder.Append('}');
    }

    // Only the escapes JSON mandates; everything else, '/' and non-ASCII included, is written as is.
    private static void WriteString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
    }

    // JCS numbers are IEEE doubles; .NET parses to the nearest one, and overflow to infinity (rejected by the formatter).
    private static double ToDouble(JsonElement number) =>
        double.Parse(number.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
