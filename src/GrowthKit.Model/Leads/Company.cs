using System.Text.Json.Serialization;

namespace GrowthKit.Model;

/// <remarks>
/// <see cref="EmployeeCount"/> and <see cref="AnnualRevenue"/> accept a number or text such as
/// "51-200" (<see cref="Quantity"/>): CRMs export sizes as bands, scores compare numbers.
/// </remarks>
public sealed record Company(
    string? Name,
    string? Domain,
    string? Industry,
    [property: JsonConverter(typeof(QuantityJsonConverter))] decimal? EmployeeCount,
    [property: JsonConverter(typeof(QuantityJsonConverter))] decimal? AnnualRevenue,
    string? Country);
