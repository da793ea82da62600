using System.Text.Json;

namespace GrowthKit.Icp.Workshops;

// The workshop's own stream (id = the workshop's id). Answers are stored normalised, as the
// questions understood them; a null answer is an optional question skipped. The event type names
// (see WorkshopEventTypes) are stored with a schema version and never change once used.

/// <summary>Someone began the guided workshop.</summary>
public sealed record WorkshopStarted(Guid WorkshopId, string By, DateTimeOffset At);

/// <summary>A question got its first answer.</summary>
public sealed record WorkshopQuestionAnswered(Guid WorkshopId, string QuestionId, JsonElement? Answer, string By, DateTimeOffset At);

/// <summary>An answered question was answered again, differently; the previous answer stays in the stream.</summary>
public sealed record WorkshopAnswerChanged(
    Guid WorkshopId, string QuestionId, JsonElement? Previous, JsonElement? Answer, string By, DateTimeOffset At);

/// <summary>The answers became the draft ICP <paramref name="IcpId"/>, started in the same transaction.</summary>
public sealed record WorkshopCompleted(Guid WorkshopId, Guid IcpId, string Name, string By, DateTimeOffset At);
