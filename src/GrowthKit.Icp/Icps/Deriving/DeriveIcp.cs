using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Icps.Deriving;

public sealed record DeriveRequest(
    [property: MaxLength(DeriveIcpFeature.MaxCustomers)] IReadOnlyList<JsonElement>? Customers,
    [property: MaxLength(DeriveIcpFeature.MaxCustomers)] IReadOnlyList<JsonElement>? Others);

public sealed record DeriveResponse(IcpDefinition Definition, IReadOnlyList<TraitEvidence> Evidence);

/// <summary>
/// The ICP "in reverse": from the best existing customers (and optionally other customers as
/// contrast) to a proposed draft of four to six hard traits, each with its evidence. Nothing is
/// stored: the consumer posts the definition to <c>/api/icps</c> if it wants a draft.
/// </summary>
public static class DeriveIcpFeature
{
    public const int MaxCustomers = 10_000;
    private static readonly LeadValidator Validator = new();

    public static RouteGroupBuilder MapDeriveIcp(this RouteGroupBuilder group)
    {
        group.MapPost("/derive", Handle)
            .WithName("DeriveIcp")
            .WithSummary("Propose an ICP from the best existing customers, each trait with its evidence")
            .WithDescription("customers: the best customers, as leads; others (optional): other customers to contrast with. " +
                             "Without others, each trait is compared with a base rate from the taxonomy.")
            .ProducesValidationProblem();
        return group;
    }

    private static Results<Ok<DeriveResponse>, ProblemHttpResult> Handle(DeriveRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var best = Parse(request.Customers, "customers", errors);
        var others = request.Others is null ? null : Parse(request.Others, "others", errors);
        if (request.Customers is null or { Count: 0 }) errors["customers"] = ["At least one best customer is required."];
        else if (request.Customers.Count + (request.Others?.Count ?? 0) > MaxCustomers)
            errors["customers"] = [$"At most {MaxCustomers} customers and others together."];
        if (errors.Count > 0) return ApiDefaults.FieldProblems(errors);

        var derived = IcpDerivation.Derive(best, others);
        return TypedResults.Ok(new DeriveResponse(derived.Definition, derived.Evidence));
    }

    private static List<Lead> Parse(IReadOnlyList<JsonElement>? items, string field, Dictionary<string, string[]> errors)
    {
        var leads = new List<Lead>();
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            try
            {
                // A customer needs no externalId here: it is evidence, not a lead to keep.
                var lead = items![i].Deserialize<Lead>(ModelJson.Options);
                if (lead is null) { errors[$"{field}[{i}]"] = ["A customer must be a JSON object."]; continue; }
                lead = lead with { ExternalId = lead.ExternalId ?? $"{field}-{i}" };
                var result = Validator.Validate(lead);
                foreach (var e in result.Errors) errors[$"{field}[{i}].{e.PropertyName}"] = [e.ErrorMessage];
                if (result.IsValid) leads.Add(lead);
            }
            catch (JsonException e)
            {
                errors[$"{field}[{i}]{(e.Path is { Length: > 1 } p ? p.TrimStart('$') : "")}"] = [e.Message];
            }
        }
        return leads;
    }
}
