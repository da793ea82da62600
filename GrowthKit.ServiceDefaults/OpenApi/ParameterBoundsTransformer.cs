using GrowthKit.Model;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GrowthKit.ServiceDefaults.OpenApi;

/// <summary>
/// Bounds for path and query parameters, which no request validator describes: each is the bound the
/// endpoints check (<see cref="Paging"/>'s limit, the external id's length, the tier names) or the length
/// of the form the API reads (a GUID, an ISO 8601 instant, a number, a cursor this API gave). A
/// parameter left without a bound here fails the document's lint, so a new one gets a decision.
/// </summary>
public sealed class ParameterBoundsTransformer : IOpenApiOperationTransformer
{
    /// <summary>Longer than any ISO 8601 instant with offset and fraction (<c>2026-01-31T23:59:59.9999999+14:00</c> is 33).</summary>
    public const int InstantLength = 40;

    private static readonly string[] TierValues = [TierNames.A, TierNames.B, TierNames.C, TierNames.D, TierNames.Disqualified];

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter.Schema is not OpenApiSchema schema) continue;
            var isInteger = schema.Type is { } type && type.HasFlag(JsonSchemaType.Integer);
            var isString = schema.Type is { } t && t.HasFlag(JsonSchemaType.String);
            switch (parameter.Name)
            {
                case "limit" when isInteger:
                    schema.Minimum = "1";
                    schema.Maximum = Paging.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    continue;
                case "tier" when isString:
                    schema.Enum = [.. TierValues.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v))];
                    continue;
                case "externalId" when isString:
                    schema.MaxLength = LeadValidator.MaxExternalIdLength;
                    continue;
                case "minScore" when isString:
                    schema.MaxLength = Limits.NumberLiteralLength;
                    continue;
                case "cursor" when isString && schema.Format != "uuid":
                    schema.MaxLength = Paging.MaxCursorLength;
                    continue;
                case "period" when isString:
                    // A usage period is a month, YYYY-MM.
                    schema.MaxLength = 7;
                    schema.Pattern = "^[0-9]{4}-[0-9]{2}$";
                    continue;
                case "icpId" when isString:
                    schema.MaxLength = ValidationRulesSchemaTransformer.GuidLength;
                    continue;
            }
            if (isString && schema.MaxLength is null)
            {
                if (schema.Format == "uuid") schema.MaxLength = ValidationRulesSchemaTransformer.GuidLength;
                else if (schema.Format == "date-time" || parameter.Name is "from" or "to" or "asOf") schema.MaxLength = InstantLength;
            }
            // Versions and snapshots count from 1.
            if (isInteger && schema.Minimum is null && parameter.Name is "version" or "from" or "to")
            {
                schema.Minimum = "1";
                schema.Maximum = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return Task.CompletedTask;
    }
}
