using System.Security.Claims;
using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Leads.Receiving;

public sealed record ReceiveLead(Guid LeadId, Lead Lead, JsonElement Raw);

public sealed record LeadAccepted(Guid LeadId, string ExternalId);

public static class ReceiveLeadFeature
{
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
            .WithDescription("The same externalId never makes a second lead: unchanged data changes nothing, changed data is a new snapshot. "
                             + "company.employeeCount and company.annualRevenue take a number or text such as \"51-200\", \"10,000+\" or \"1k-5k\" "
                             + "(a range counts as its midpoint, rounded down; \"n+\" as n). "
                             + Idempotency.Description)
            .Accepts<Lead>("application/json")
            .Produces<LeadAccepted>(StatusCodes.Status202Accepted)
            .ProducesIntakeProblems();
        return group;
    }

    /// <summary>A batch of one: the same reading, recording and idempotency as <c>POST /api/leads/batch</c>.</summary>
    private static Task<Results<StoredAnswer, ProblemHttpResult>> Handle(
        HttpRequest request, ClaimsPrincipal user, IDocumentStore store, SnapshotAppender appender, TimeProvider clock,
        CancellationToken ct) =>
        LeadIntake.HandleAsync(request, user, store, appender, clock, ReadOne, Answer, ct);

    private static LeadsRead ReadOne(JsonElement body, Guid tenant) =>
        new([LeadIntake.Read(0, body, tenant, "body")], null);

    private static Results<StoredAnswer, ProblemHttpResult> Answer(IReadOnlyList<IntakeLead> leads)
    {
        var lead = leads[0];
        if (lead.Command is not { } command)
            return ApiDefaults.FieldProblems(lead.Errors!.ToDictionary());
        return StoredAnswer.Json(StatusCodes.Status202Accepted,
            new LeadAccepted(command.LeadId, command.Lead.ExternalId!), $"/api/leads/{command.LeadId}");
    }
}
