using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>A company with what is known about it, as a tenant sends it.</summary>
public sealed record Lead(
    [property: MaxLength(LeadValidator.MaxExternalIdLength)] string? ExternalId,
    Company? Company,
    IReadOnlyList<string>? Signals,
    IReadOnlyList<string>? PainPoints,
    Contact? Contact,
    IReadOnlyDictionary<string, JsonElement>? Attributes);
