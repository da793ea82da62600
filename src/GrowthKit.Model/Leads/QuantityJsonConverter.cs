using System.Text.Json;
using System.Text.Json.Serialization;

namespace GrowthKit.Model;

/// <summary>
/// A count or amount sent as a JSON number or as text (<see cref="Quantity"/>); always written as a
/// number, so the stored, scored and hashed lead holds the number and only <c>raw</c> keeps the text.
/// </summary>
public sealed class QuantityJsonConverter : JsonConverter<decimal?>
{
    public override decimal? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when reader.TryGetDecimal(out var number):
                return number;
            case JsonTokenType.String when Quantity.TryParse(reader.GetString(), out var parsed):
                return parsed;
            default:
                // System.Text.Json adds the path ($.company.employeeCount), which names the field.
                throw new JsonException(Quantity.Expected);
        }
    }

    public override void Write(Utf8JsonWriter writer, decimal? value, JsonSerializerOptions options)
    {
        if (value is { } number)
            writer.WriteNumberValue(number);
        else
            writer.WriteNullValue();
    }
}
