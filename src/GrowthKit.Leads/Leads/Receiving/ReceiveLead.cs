using System.Security.Claims;
using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Leads.Leads.Receiving;

public sealed record ReceiveLead(Guid LeadId, Lead Lead, JsonElement Raw);

public sealed record LeadAccepted(Guid LeadId, string ExternalId);

public static class ReceiveLeadFeature
{
    private static readonly LeadValidator Validator = new();

    /// <summary>
    /// One lead per external id: unchanged data records nothing, changed data is the next snapshot.
    /// </summary>
    public static LeadSnapshotRecorded? Decide(ReceiveLead command, LeadState? state, DateTimeOffset now)
    {
        if (state is not null && SameLead(state.Lead, command.Lead)) return null;
        return new LeadSnapshotRecorded(command.LeadId, command.Lead.ExternalId!, (state?.Snapshot ?? 0) + 1,
            command.Lead, command.Raw, now);
    }

    private static bool SameLead(Lead a, Lead b) =>
        CanonicalJson.Serialize(LeadJson.ToElement(a)) == CanonicalJson.Serialize(LeadJson.ToElement(b));

    public static RouteGroupBuilder MapReceiveLead(this RouteGroupBuilder group)
    {
        group.MapPost("/", Handle)
            .WithName("ReceiveLead")
            .WithSummary("Push a lead; it is scored against every published ICP of the tenant")
            .WithDescription("The same externalId never makes a second lead: unchanged data changes nothing, changed data is a new snapshot.")
            .Accepts<Lead>("application/json")
            .ProducesValidationProblem();
        return group;
    }

    private static async Task<Results<Accepted<LeadAccepted>, ProblemHttpResult>> Handle(
        JsonElement body, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var (lead, problem) = ParseLead(body);
        if (problem is not null || lead is null) return problem!;

        var tenant = user.TenantId();
        var normalised = LeadNormalizer.Normalize(lead);
        var command = new ReceiveLead(DeterministicId.For(tenant.ToString(), normalised.ExternalId!), normalised, body);

        // Two first pushes of one lead race to start its stream; the loser re-reads and compares.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var session = store.LightweightSession(tenant.ToString());
                session.StampTraceContext();
                var stream = await session.Events.FetchForWriting<LeadState>(command.LeadId, ct);
                if (Decide(command, stream.Aggregate, clock.GetUtcNow()) is { } recorded)
                {
                    stream.AppendOne(recorded);
                    await session.SaveChangesAsync(ct);
                }
                return TypedResults.Accepted($"/api/leads/{command.LeadId}",
                    new LeadAccepted(command.LeadId, normalised.ExternalId!));
            }
            catch (Exception e) when (attempt < 3 && e is JasperFx.ConcurrencyException or ExistingStreamIdCollisionException)
            {
            }
        }
    }

    /// <summary>A wrong type is a 400 naming the field; so is a missing required field.</summary>
    private static (Lead? Lead, ProblemHttpResult? Problem) ParseLead(JsonElement body)
    {
        Lead? lead;
        try
        {
            lead = body.ValueKind == JsonValueKind.Object ? body.Deserialize<Lead>(ModelJson.Options) : null;
        }
        catch (JsonException e)
        {
            return (null, Invalid(e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "body", e.Message));
        }
        if (lead is null) return (null, Invalid("body", "The lead must be a JSON object."));

        var result = Validator.Validate(lead);
        return result.IsValid ? (lead, null) : (null, result.ValidationProblem(StatusCodes.Status400BadRequest));
    }

    private static ProblemHttpResult Invalid(string field, string message) => ApiDefaults.FieldProblem(field, message);
}
