using System.Text.Json;

namespace GrowthKit.Icp.Workshops;

public sealed record WorkshopOutcome(Guid IcpId, string Name, DateTimeOffset CompletedAt);

/// <summary>
/// The workshop as its stream tells it: the latest answer to each question (null: skipped) and,
/// once completed, the draft ICP it became.
/// </summary>
public sealed record WorkshopState(
    Guid Id, IReadOnlyDictionary<string, JsonElement?> Answers, string StartedBy, DateTimeOffset StartedAt, WorkshopOutcome? Completed)
{
    public static WorkshopState Create(WorkshopStarted e) =>
        new(e.WorkshopId, new Dictionary<string, JsonElement?>(StringComparer.Ordinal), e.By, e.At, null);

    public WorkshopState Apply(WorkshopQuestionAnswered e) => WithAnswer(e.QuestionId, e.Answer);

    public WorkshopState Apply(WorkshopAnswerChanged e) => WithAnswer(e.QuestionId, e.Answer);

    public WorkshopState Apply(WorkshopCompleted e) => this with { Completed = new WorkshopOutcome(e.IcpId, e.Name, e.At) };

    private WorkshopState WithAnswer(string questionId, JsonElement? answer) => this with
    {
        Answers = new Dictionary<string, JsonElement?>(Answers, StringComparer.Ordinal) { [questionId] = answer },
    };
}

/// <summary>The evolution Marten applies through <see cref="WorkshopState"/>'s Apply methods, callable from pure code.</summary>
public static class WorkshopEvolution
{
    public static WorkshopState Evolve(WorkshopState state, object @event) => @event switch
    {
        WorkshopQuestionAnswered e => state.Apply(e),
        WorkshopAnswerChanged e => state.Apply(e),
        WorkshopCompleted e => state.Apply(e),
        _ => throw new ArgumentException($"{@event.GetType().Name} does not evolve a started workshop.", nameof(@event)),
    };

    public static WorkshopState Replay(IEnumerable<object> events)
    {
        using var e = events.GetEnumerator();
        if (!e.MoveNext() || e.Current is not WorkshopStarted started)
            throw new ArgumentException("A workshop stream starts with WorkshopStarted.", nameof(events));
        var state = WorkshopState.Create(started);
        while (e.MoveNext()) state = Evolve(state, e.Current);
        return state;
    }
}
