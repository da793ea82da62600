using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using GrowthKit.Icp.Icps;
using GrowthKit.Icp.Icps.Drafting;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Workshops.Completing;

public sealed record CompleteWorkshop(Guid WorkshopId, string Name, Guid IcpId, string By);

public sealed record CompleteRequest([property: MaxLength(Limits.NameLength)] string? Name);

public static class CompleteWorkshopFeature
{
    /// <summary>
    /// Why the workshop cannot become a draft yet: already complete (409, naming its ICP), no name
    /// (400), or questions without an answer (422, each named).
    /// </summary>
    public static WorkshopRejection? Check(WorkshopState state, string? name)
    {
        if (state.Completed is { } completed)
        {
            return new WorkshopRejection(RejectionKind.Conflict, "The workshop is already complete.",
                new Dictionary<string, string[]> { ["workshopId"] = [$"It became ICP {completed.IcpId}."] }, completed.IcpId);
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            return new WorkshopRejection(RejectionKind.Malformed, "The request is invalid.",
                new Dictionary<string, string[]> { ["name"] = ["The ICP needs a name."] });
        }
        if (name.Trim().Length > Limits.NameLength)
        {
            return new WorkshopRejection(RejectionKind.BreaksRule, "The request breaks a rule.",
                new Dictionary<string, string[]> { ["name"] = [$"The name must be at most {Limits.NameLength} characters."] });
        }
        var missing = WorkshopQuestions.Unanswered(state.Answers);
        return missing.Count == 0
            ? null
            : new WorkshopRejection(RejectionKind.BreaksRule, "The workshop is not finished.",
                missing.ToDictionary(id => id, _ => new[] { "Not answered yet." }));
    }

    /// <summary>The workshop records the draft ICP its answers became (the draft itself is the ICP stream's).</summary>
    public static WorkshopDecision Decide(CompleteWorkshop command, WorkshopState state, DateTimeOffset now) =>
        Check(state, command.Name) is { } rejection
            ? WorkshopDecision.Reject(rejection)
            : WorkshopDecision.Accept(new WorkshopCompleted(command.WorkshopId, command.IcpId, command.Name.Trim(), command.By, now));

    public static RouteGroupBuilder MapCompleteWorkshop(this RouteGroupBuilder group)
    {
        group.MapPost("/{workshopId:guid}/complete", Handle)
            .WithName("CompleteWorkshop")
            .WithSummary("Turn the answers into a draft ICP with the given name")
            .WithDescription("The draft is created and the workshop marked complete in one transaction; its reason reads " +
                             "\"From workshop <id>\". Completing again is a 409 naming the ICP; unanswered questions are a 422.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    private static async Task<Results<Created<IcpCreated>, ProblemHttpResult>> Handle(
        Guid workshopId, CompleteRequest request, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        await using var session = store.LightweightSession(user.TenantId().ToString());
        if (!await WorkshopApi.IsWorkshopAsync(session, workshopId, ct)) return ApiDefaults.NotFoundProblem("Workshop");
        var stream = await session.Events.FetchForWriting<WorkshopState>(workshopId, ct);
        if (stream.Aggregate is null) return ApiDefaults.NotFoundProblem("Workshop");
        if (Check(stream.Aggregate, request.Name) is { } rejection) return rejection.ToProblem();

        var name = request.Name!.Trim();
        var definition = WorkshopDefinition.ToDefinition(WorkshopProfile.From(stream.Aggregate), name);
        var (prepared, problem) = await DefinitionPreparation.PrepareAsync(session, definition, "definition", ct);
        if (problem is not null) return problem;

        var now = clock.GetUtcNow();
        session.StampTraceContext();
        var created = DraftIcpFeature.StartDraft(session, prepared!, user.Actor(), $"From workshop {workshopId}", now);
        var decision = Decide(new CompleteWorkshop(workshopId, name, created.IcpId, user.Actor()), stream.Aggregate, now);
        stream.AppendMany(decision.Events);
        try
        {
            // One transaction: the draft exists exactly when the workshop says it was completed.
            await session.SaveChangesAsync(ct);
        }
        catch (ConcurrencyException)
        {
            return WorkshopApi.ConcurrentChange();
        }
        return TypedResults.Created($"/api/icps/{created.IcpId}", created);
    }
}
