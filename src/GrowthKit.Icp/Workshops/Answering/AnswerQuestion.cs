using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Workshops.Answering;

public sealed record AnswerQuestion(Guid WorkshopId, string QuestionId, JsonElement Answer, string By);

/// <summary><c>answer</c> absent is a 400; <c>null</c> skips an optional question.</summary>
/// <summary>A question id is a short known key: anything longer than <see cref="Limits.KeyLength"/> is unknown (422).</summary>
public sealed record AnswerRequest([property: MaxLength(Limits.KeyLength)] string? QuestionId, JsonElement Answer);

/// <summary>The next question, or <c>done</c> with the preview once every question has an answer.</summary>
public sealed record AnswerResponse(WorkshopQuestion? Question, bool Done, WorkshopPreview? Preview)
{
    public static AnswerResponse After(WorkshopState state, WorkshopVocabulary vocabulary) =>
        WorkshopQuestions.Current(state, vocabulary) is { } next
            ? new AnswerResponse(next, false, null)
            : new AnswerResponse(null, true, WorkshopDefinition.Preview(WorkshopProfile.From(state), vocabulary));
}

public static class AnswerQuestionFeature
{
    /// <summary>
    /// The first answer to a question is <see cref="WorkshopQuestionAnswered"/>; a different answer to
    /// an answered one is <see cref="WorkshopAnswerChanged"/> (the same answer again records nothing).
    /// The current question and every earlier one may be answered; a later one is a 422.
    /// </summary>
    public static WorkshopDecision Decide(AnswerQuestion command, WorkshopState state, WorkshopVocabulary vocabulary, DateTimeOffset now)
    {
        var id = command.QuestionId;
        if (state.Completed is { } completed)
        {
            return WorkshopDecision.Reject(new WorkshopRejection(RejectionKind.Conflict, "The workshop is complete.",
                new Dictionary<string, string[]> { ["workshopId"] = [$"It became ICP {completed.IcpId}; edit that ICP instead."] },
                completed.IcpId));
        }
        if (!WorkshopQuestions.IsKnown(id))
        {
            return WorkshopDecision.Reject(WorkshopRejection.Malformed("questionId",
                $"Unknown question '{id}'; the questions are {string.Join(", ", QuestionIds.InOrder)}."));
        }
        if (!WorkshopQuestions.IsReachable(id, state.Answers))
        {
            return WorkshopDecision.Reject(WorkshopRejection.BreaksRule("questionId",
                $"'{id}' is not reached yet: answer '{WorkshopQuestions.CurrentId(state.Answers)}' first."));
        }

        var check = WorkshopAnswers.Check(id, command.Answer, WorkshopProfile.From(state), vocabulary);
        if (check.Rejection is { } rejection) return WorkshopDecision.Reject(rejection);

        if (!state.Answers.TryGetValue(id, out var previous))
        {
            return WorkshopDecision.Accept(new WorkshopQuestionAnswered(command.WorkshopId, id, check.Answer, command.By, now));
        }
        return Same(previous, check.Answer)
            ? WorkshopDecision.Accept()
            : WorkshopDecision.Accept(new WorkshopAnswerChanged(command.WorkshopId, id, previous, check.Answer, command.By, now));
    }

    private static bool Same(JsonElement? a, JsonElement? b) =>
        a is null || b is null ? a is null && b is null : JsonElement.DeepEquals(a.Value, b.Value);

    public static RouteGroupBuilder MapAnswerQuestion(this RouteGroupBuilder group)
    {
        group.MapPost("/{workshopId:guid}/answers", Handle)
            .WithName("AnswerWorkshopQuestion")
            .WithSummary("Answer the current question, or change an earlier answer; answers with the next unanswered question")
            .WithDescription("By kind, answer is a list of values (multi), {min, max} (range) or {trait: weight} (weights); " +
                             "null skips an optional question. Once every question is answered the response is {done: true, preview}.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    private static async Task<Results<Ok<AnswerResponse>, ProblemHttpResult>> Handle(
        Guid workshopId, AnswerRequest request, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.QuestionId))
        {
            return ApiDefaults.FieldProblem("questionId", $"Name the question you answer: one of {string.Join(", ", QuestionIds.InOrder)}.");
        }
        if (request.Answer.ValueKind == JsonValueKind.Undefined)
        {
            return ApiDefaults.FieldProblem("answer", "An answer is required (null skips an optional question).");
        }

        await using var session = store.LightweightSession(user.TenantId().ToString());
        if (!await WorkshopApi.IsWorkshopAsync(session, workshopId, ct)) return ApiDefaults.NotFoundProblem("Workshop");
        var stream = await session.Events.FetchForWriting<WorkshopState>(workshopId, ct);
        if (stream.Aggregate is null) return ApiDefaults.NotFoundProblem("Workshop");

        var vocabulary = await WorkshopVocabulary.LoadAsync(session, ct);
        var command = new AnswerQuestion(workshopId, request.QuestionId.Trim(), request.Answer, user.Actor());
        var decision = Decide(command, stream.Aggregate, vocabulary, clock.GetUtcNow());
        if (decision.Rejection is { } rejection) return rejection.ToProblem();

        if (decision.Events.Count > 0)
        {
            session.StampTraceContext();
            stream.AppendMany(decision.Events);
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (ConcurrencyException)
            {
                return WorkshopApi.ConcurrentChange();
            }
        }
        var state = decision.Events.Aggregate(stream.Aggregate, WorkshopEvolution.Evolve);
        return TypedResults.Ok(AnswerResponse.After(state, vocabulary));
    }
}
