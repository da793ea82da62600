using System.Text.Json;

namespace GrowthKit.Web.Api;

// The types of the public API are generated at build time from docs/openapi.json (GatewayContract.targets,
// into obj/): a field renamed in the contract breaks this build. What is here only adds to them what the
// pages compute; nothing repeats a field of the contract.

/// <summary>A condition on one lead field: a weighted criterion or a disqualifier.</summary>
public interface ICondition
{
    string? Key { get; }
    string? Field { get; }
    string? Operator { get; }
    /// <summary>JSON values (the contract leaves their type open): JsonElement when read.</summary>
    List<object>? Values { get; }
    decimal? Min { get; }
    decimal? Max { get; }
    JsonElement? Value { get; }
}

public partial class Criterion : ICondition;

public partial class Disqualifier : ICondition;

public partial class SyncView
{
    public bool Running => Status == "running";

    /// <summary>The first few failed records, as text.</summary>
    public IEnumerable<string> ErrorLines => (ErrorDetails ?? []).Take(10).Select(e => $"{e.Record}: {e.Message}");
}

/// <summary>One list of a version diff (criteria, disqualifiers or personas), counted alike.</summary>
public interface IListDiff
{
    /// <summary>Entries added, removed or changed.</summary>
    int Count { get; }
}

public partial class ListDiffOfCriterion : IListDiff
{
    public int Count => (Added?.Count ?? 0) + (Removed?.Count ?? 0) + (Changed?.Count ?? 0);
}

public partial class ListDiffOfDisqualifier : IListDiff
{
    public int Count => (Added?.Count ?? 0) + (Removed?.Count ?? 0) + (Changed?.Count ?? 0);
}

public partial class ListDiffOfPersona : IListDiff
{
    public int Count => (Added?.Count ?? 0) + (Removed?.Count ?? 0) + (Changed?.Count ?? 0);
}

public partial class WorkshopView
{
    /// <summary>The answers so far, in the order they were given (the contract types them as one JSON object).</summary>
    public IEnumerable<(string QuestionId, JsonElement? Answer)> AnswerList =>
        Answers.ValueKind == JsonValueKind.Object
            ? Answers.EnumerateObject().Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.Null ? (JsonElement?)null : p.Value))
            : [];

    public JsonElement? AnswerTo(string questionId) =>
        Answers.ValueKind == JsonValueKind.Object && Answers.TryGetProperty(questionId, out var answer)
        && answer.ValueKind != JsonValueKind.Null ? answer : null;
}
