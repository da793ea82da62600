using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Icps.Editing;

public sealed record EditIcp(Guid IcpId, IcpDefinition Definition, string By, string Reason);

public sealed record EditRequest(IcpDefinition? Definition, [property: MaxLength(Limits.ReasonLength)] string? Reason);

public sealed record IcpEdited(long Revision);

public static class EditIcpFeature
{
    /// <summary>
    /// A new draft is recorded as the fine-grained changes it amounts to, so history reads as
    /// changes: removals, changes, additions (at their position), then a reorder only if the order
    /// still differs. Replaying the events yields exactly the new draft.
    /// </summary>
    public static IReadOnlyList<object> Decide(EditIcp command, IcpState state, DateTimeOffset now)
    {
        var (id, by, why) = (command.IcpId, command.By, command.Reason);
        var target = DefinitionShape.Tidy(command.Definition);
        var diff = DefinitionDiff.Between(state.Draft, target);
        var events = new List<object>();

        if (diff.Name is { } name) events.Add(new IcpRenamed(id, name.To!, by, why, now));
        if (diff.Description is { } description) events.Add(new IcpDescriptionChanged(id, description.To, by, why, now));

        events.AddRange(diff.Criteria.Removed.Select(c => new CriterionRemoved(id, c.Key!, by, why, now)));
        events.AddRange(diff.Criteria.Changed.Select(c => new CriterionChanged(id, c.Key, c.To, by, why, now)));
        events.AddRange(Additions(target.Criteria, diff.Criteria.Added, (c, at) => new CriterionAdded(id, c, at, by, why, now)));
        if (OrderAfter(state, events, s => s.Draft.Criteria) is var criteria && !SameOrder(criteria, target.Criteria))
        {
            events.Add(new CriteriaReordered(id, Keys(target.Criteria), by, why, now));
        }

        events.AddRange(diff.Disqualifiers.Removed.Select(d => new DisqualifierRemoved(id, d.Key!, by, why, now)));
        events.AddRange(diff.Disqualifiers.Changed.Select(d => new DisqualifierChanged(id, d.Key, d.To, by, why, now)));
        events.AddRange(Additions(target.Disqualifiers, diff.Disqualifiers.Added, (d, at) => new DisqualifierAdded(id, d, at, by, why, now)));
        if (OrderAfter(state, events, s => s.Draft.Disqualifiers) is var disqualifiers && !SameOrder(disqualifiers, target.Disqualifiers))
        {
            events.Add(new DisqualifiersReordered(id, Keys(target.Disqualifiers), by, why, now));
        }

        // A persona is identified by its role: a changed persona is removed and added again.
        foreach (var changed in diff.Personas.Changed) events.Add(new PersonaRemoved(id, changed.From.Role!, by, why, now));
        events.AddRange(diff.Personas.Removed.Select(p => new PersonaRemoved(id, p.Role!, by, why, now)));
        events.AddRange(diff.Personas.Changed.Select(p => new PersonaAdded(id, p.To, by, why, now)));
        events.AddRange(diff.Personas.Added.Select(p => new PersonaAdded(id, p, by, why, now)));

        if (diff.Tiers is { } tiers) events.Add(new TiersChanged(id, tiers.To, by, why, now));
        return events;
    }

    private static IEnumerable<object> Additions<T>(IReadOnlyList<T>? target, IReadOnlyList<T> added, Func<T, int, object> make)
        where T : ICondition
    {
        var positions = (target ?? []).Select((x, i) => (x.Key, i)).ToDictionary(p => p.Key!, p => p.i);
        return added.OrderBy(x => positions[x.Key!]).Select(x => make(x, positions[x.Key!]));
    }

    private static IReadOnlyList<T>? OrderAfter<T>(IcpState state, IEnumerable<object> events, Func<IcpState, IReadOnlyList<T>?> part) =>
        part(events.Aggregate(state, IcpEvolution.Evolve));

    private static bool SameOrder<T>(IReadOnlyList<T>? actual, IReadOnlyList<T>? expected) where T : ICondition =>
        Keys(actual).SequenceEqual(Keys(expected));

    private static List<string> Keys<T>(IReadOnlyList<T>? items) where T : ICondition => (items ?? []).Select(x => x.Key!).ToList();

    public static RouteGroupBuilder MapEditIcp(this RouteGroupBuilder group)
    {
        group.MapPut("/{icpId:guid}", Handle)
            .WithName("EditIcp")
            .WithSummary("Replace the draft; recorded as the criterion, disqualifier and persona changes it amounts to")
            .WithDescription("If-Match with the revision you read is required: a stale one is 412, a missing one 428.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        return group;
    }

    private static async Task<Results<Ok<IcpEdited>, ProblemHttpResult>> Handle(
        Guid icpId, EditRequest request, HttpRequest http, HttpResponse response, ClaimsPrincipal user,
        IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        if (request.Definition is null) return ApiDefaults.FieldProblem("definition", "The new definition is required.");
        if (string.IsNullOrWhiteSpace(request.Reason)) return ApiDefaults.FieldProblem("reason", "A reason is required: history records why.");
        if (request.Reason.Length > Limits.ReasonLength)
            return ApiDefaults.FieldProblem("reason", $"'reason' must be at most {Limits.ReasonLength} characters.", StatusCodes.Status422UnprocessableEntity);
        if (!IfMatch.IsPresent(http)) return IfMatch.Missing();
        if (!IfMatch.TryParse(http, out var expected)) return IfMatch.Malformed();

        await using var session = store.LightweightSession(user.TenantId().ToString());
        var (definition, problem) = await DefinitionPreparation.PrepareAsync(session, request.Definition, "definition", ct);
        if (problem is not null) return problem;

        session.StampTraceContext();
        try
        {
            var stream = await session.Events.FetchForWriting<IcpState>(icpId, expected!.Value, ct);
            if (stream.Aggregate is null) return ApiDefaults.NotFoundProblem("ICP");

            var events = Decide(new EditIcp(icpId, definition!, user.Actor(), request.Reason.Trim()), stream.Aggregate, clock.GetUtcNow());
            if (events.Count > 0)
            {
                stream.AppendMany(events);
                await session.SaveChangesAsync(ct);
            }
            var revision = stream.Aggregate.Revision + events.Count;
            response.Headers.ETag = $"\"{revision}\"";
            return TypedResults.Ok(new IcpEdited(revision));
        }
        catch (ConcurrencyException)
        {
            return await IfMatch.StaleOrMissingAsync(session, icpId, ct);
        }
    }
}
