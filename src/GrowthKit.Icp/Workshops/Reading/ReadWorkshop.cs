using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Workshops.Reading;

/// <summary>
/// Where a workshop stands: every answer so far (null: skipped), the current question (null once all
/// are answered), and the preview; once completed, the draft ICP it became.
/// </summary>
public sealed record WorkshopView(
    Guid WorkshopId,
    IReadOnlyDictionary<string, JsonElement?> Answers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] WorkshopQuestion? Question,
    bool Done,
    WorkshopPreview Preview,
    DateTimeOffset StartedAt,
    Guid? IcpId,
    DateTimeOffset? CompletedAt)
{
    public static WorkshopView From(WorkshopState state, WorkshopVocabulary vocabulary)
    {
        var answers = QuestionIds.InOrder.Where(state.Answers.ContainsKey).ToDictionary(id => id, id => state.Answers[id]);
        var question = WorkshopQuestions.Current(state, vocabulary);
        return new WorkshopView(state.Id, answers, question, question is null,
            WorkshopDefinition.Preview(WorkshopProfile.From(state), vocabulary),
            state.StartedAt, state.Completed?.IcpId, state.Completed?.CompletedAt);
    }
}

public sealed record WorkshopHistoryEntry(long Version, string Type, int SchemaVersion, DateTimeOffset At, JsonElement Data);

public static class ReadWorkshopFeature
{
    public static RouteGroupBuilder MapReadWorkshop(this RouteGroupBuilder group)
    {
        group.MapGet("/{workshopId:guid}", Get)
            .WithName("GetWorkshop")
            .WithSummary("Resume a workshop: the answers so far, the current question and the preview")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{workshopId:guid}/history", History)
            .WithName("GetWorkshopHistory")
            .WithSummary("Every event of the workshop in order, changed answers included")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<WorkshopView>, ProblemHttpResult>> Get(
        Guid workshopId, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession(user.TenantId().ToString());
        var events = await WorkshopApi.EventsAsync(session, workshopId, ct);
        if (events.Count == 0) return ApiDefaults.NotFoundProblem("Workshop");
        var state = WorkshopEvolution.Replay(events.Select(e => e.Data));
        return TypedResults.Ok(WorkshopView.From(state, await WorkshopVocabulary.LoadAsync(session, ct)));
    }

    private static async Task<Results<Ok<IReadOnlyList<WorkshopHistoryEntry>>, ProblemHttpResult>> History(
        Guid workshopId, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession(user.TenantId().ToString());
        var events = await WorkshopApi.EventsAsync(session, workshopId, ct);
        if (events.Count == 0) return ApiDefaults.NotFoundProblem("Workshop");
        return TypedResults.Ok<IReadOnlyList<WorkshopHistoryEntry>>(events.Select(Entry).ToList());
    }

    private static WorkshopHistoryEntry Entry(IEvent e) =>
        new(e.Version, WorkshopEventTypes.NameOf(e.Data), WorkshopEventTypes.SchemaVersionOf(e.Data), e.Timestamp,
            JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), ModelJson.Options));
}
