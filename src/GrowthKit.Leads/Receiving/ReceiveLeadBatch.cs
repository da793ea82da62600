using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Leads.Receiving;

public sealed record LeadBatch([property: MaxLength(ReceiveLeadBatchFeature.MaxLeads)] IReadOnlyList<JsonElement> Leads);

public sealed record AcceptedLead(int Index, Guid LeadId, string ExternalId);

public sealed record RejectedLead(int Index, IReadOnlyDictionary<string, string[]> Errors);

public sealed record LeadBatchAnswer(IReadOnlyList<AcceptedLead> Accepted, IReadOnlyList<RejectedLead> Rejected);

public static class ReceiveLeadBatchFeature
{
    public const int MaxLeads = 1000;

    /// <summary>
    /// A batch decides as if its leads had been pushed one after another, in order: a lead sent twice
    /// records nothing the second time when unchanged, and the later copy as the next snapshot when changed.
    /// </summary>
    /// <param name="states">The leads' states before the batch; leads not in it are new.</param>
    public static IReadOnlyList<LeadSnapshotRecorded> Decide(IEnumerable<ReceiveLead> commands,
        IReadOnlyDictionary<Guid, LeadState> states, DateTimeOffset now)
    {
        var current = new Dictionary<Guid, LeadState>(states);
        var recorded = new List<LeadSnapshotRecorded>();
        foreach (var command in commands)
        {
            var state = current.GetValueOrDefault(command.LeadId);
            if (ReceiveLeadFeature.Decide(command, state, now) is not { } snapshot) continue;
            recorded.Add(snapshot);
            current[command.LeadId] = state is null ? LeadState.Create(snapshot) : state.Apply(snapshot);
        }
        return recorded;
    }

    public static RouteGroupBuilder MapReceiveLeadBatch(this RouteGroupBuilder group)
    {
        group.MapPost("/batch", Handle)
            .WithName("ReceiveLeadBatch")
            .WithSummary($"Push up to {MaxLeads} leads ({LeadIntake.MaxBodyBytes / 1024} KB) at once")
            .WithDescription("Valid leads are recorded, in one transaction; invalid ones are rejected one by one, by index, "
                             + "with the offending fields. A lead repeated in a batch counts as pushed again after the earlier copy. "
                             + Idempotency.Description)
            .Accepts<LeadBatch>("application/json")
            .Produces<LeadBatchAnswer>(StatusCodes.Status202Accepted)
            .ProducesIntakeProblems();
        return group;
    }

    private static Task<Results<StoredAnswer, ProblemHttpResult>> Handle(
        HttpRequest request, ClaimsPrincipal user, IDocumentStore store, SnapshotAppender appender, TimeProvider clock,
        CancellationToken ct) =>
        LeadIntake.HandleAsync(request, user, store, appender, clock, ReadBatch, Answer, ct);

    private static LeadsRead ReadBatch(JsonElement body, Guid tenant)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return LeadsRead.Invalid("body", "The batch must be a JSON object: {\"leads\": [...]}.");
        // Property names are read in any case, as everywhere in the API (ModelJson).
        var leads = body.EnumerateObject()
            .LastOrDefault(p => string.Equals(p.Name, "leads", StringComparison.OrdinalIgnoreCase)).Value;
        if (leads.ValueKind != JsonValueKind.Array)
            return LeadsRead.Invalid("leads", "The batch must hold its leads in an array: {\"leads\": [...]}.");
        var count = leads.GetArrayLength();
        if (count is 0 or > MaxLeads)
            return LeadsRead.Invalid("leads", $"A batch holds 1 to {MaxLeads} leads; this one holds {count}.");
        return new LeadsRead([.. leads.EnumerateArray().Select((lead, index) => LeadIntake.Read(index, lead, tenant, "lead"))], null);
    }

    private static Results<StoredAnswer, ProblemHttpResult> Answer(IReadOnlyList<IntakeLead> leads) =>
        StoredAnswer.Json(StatusCodes.Status202Accepted, new LeadBatchAnswer(
            [.. leads.Where(l => l.Command is not null).Select(l => new AcceptedLead(l.Index, l.Command!.LeadId, l.Command.Lead.ExternalId!))],
            [.. leads.Where(l => l.Command is null).Select(l => new RejectedLead(l.Index, l.Errors!))]));
}
