namespace GrowthKit.Icp.Workshops;

/// <summary>Why a command was refused: a malformed answer (400), a broken rule (422) or a conflict (409).</summary>
public enum RejectionKind
{
    Malformed,
    BreaksRule,
    Conflict,
}

/// <summary>A refusal with an <c>errors</c> map naming each offending field (<c>answer</c>, <c>questionId</c>, …).</summary>
public sealed record WorkshopRejection(RejectionKind Kind, string Title, IReadOnlyDictionary<string, string[]> Errors, Guid? IcpId = null)
{
    public static WorkshopRejection Malformed(string field, string message) =>
        new(RejectionKind.Malformed, "The answer is invalid.", new Dictionary<string, string[]> { [field] = [message] });

    public static WorkshopRejection BreaksRule(string field, string message) =>
        new(RejectionKind.BreaksRule, "The answer breaks a rule.", new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>What a decider decided: the events to append (possibly none), or why nothing may be appended.</summary>
public sealed record WorkshopDecision(IReadOnlyList<object> Events, WorkshopRejection? Rejection)
{
    public static WorkshopDecision Accept(params object[] events) => new(events, null);

    public static WorkshopDecision Reject(WorkshopRejection rejection) => new([], rejection);
}

/// <summary>Collects what is wrong with one answer; malformed parts outrank broken rules, as a 400 outranks a 422.</summary>
internal sealed class AnswerErrors
{
    private readonly Dictionary<string, List<string>> malformed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> broken = new(StringComparer.Ordinal);

    public bool Any => malformed.Count > 0 || broken.Count > 0;

    public void Malformed(string field, string message) => Add(malformed, field, message);

    public void BreaksRule(string field, string message) => Add(broken, field, message);

    public WorkshopRejection? Rejection() =>
        malformed.Count > 0 ? new WorkshopRejection(RejectionKind.Malformed, "The answer is invalid.", Freeze(malformed))
        : broken.Count > 0 ? new WorkshopRejection(RejectionKind.BreaksRule, "The answer breaks a rule.", Freeze(broken))
        : null;

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var messages)) errors[field] = messages = [];
        messages.Add(message);
    }

    private static Dictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
