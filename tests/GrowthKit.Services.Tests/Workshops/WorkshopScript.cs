using System.Text.Json;
using GrowthKit.Icp.Workshops;
using GrowthKit.Icp.Workshops.Answering;
using GrowthKit.Icp.Workshops.Starting;

namespace GrowthKit.Services.Tests.Workshops;

/// <summary>A workshop driven through its deciders: the "given events" of the workshop tests.</summary>
internal static class WorkshopScript
{
    public static readonly Guid WorkshopId = Guid.CreateVersion7();
    public static readonly DateTimeOffset StartedAt = new(2026, 2, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = new(2026, 2, 2, 9, 30, 0, TimeSpan.Zero);

    public static WorkshopVocabulary Vocabulary => WorkshopVocabulary.BuiltIn;

    /// <summary>API.md's example ICP, answered question by question.</summary>
    public static readonly (string QuestionId, string Answer)[] LogisticsAnswers =
    [
        (QuestionIds.Industries, """["Transportation and Warehousing", "Wholesale Trade"]"""),
        (QuestionIds.CompanySize, """{"min": 50, "max": 500}"""),
        (QuestionIds.Revenue, "null"),
        (QuestionIds.Regions, """["DACH"]"""),
        (QuestionIds.BuyingTriggers, """["funding_round"]"""),
        (QuestionIds.PainPoints, """["manual_dispatch"]"""),
        (QuestionIds.Personas, """["Head of Operations"]"""),
        (QuestionIds.Disqualifiers, """["fewer than 10 employees"]"""),
        (QuestionIds.Weights, """{"industry": 30, "size": 25, "region": 20, "trigger": 15, "pain": 10}"""),
    ];

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static WorkshopStarted Started() => StartWorkshopFeature.Decide(new StartWorkshop(WorkshopId, "alice"), StartedAt);

    /// <summary>The events of a workshop started and answered as given; every answer must be accepted.</summary>
    public static List<object> Events(params (string QuestionId, string Answer)[] answers)
    {
        var events = new List<object> { Started() };
        foreach (var (questionId, answer) in answers)
        {
            var decision = Answer(WorkshopEvolution.Replay(events), questionId, answer);
            Assert.True(decision.Rejection is null, $"{questionId} was refused: {JsonSerializer.Serialize(decision.Rejection)}");
            events.AddRange(decision.Events);
        }
        return events;
    }

    public static WorkshopState Given(params (string QuestionId, string Answer)[] answers) => WorkshopEvolution.Replay(Events(answers));

    public static WorkshopState GivenAll() => Given(LogisticsAnswers);

    /// <summary>The answers up to, not including, <paramref name="questionId"/>.</summary>
    public static WorkshopState GivenUpTo(string questionId) =>
        Given(LogisticsAnswers.TakeWhile(a => a.QuestionId != questionId).ToArray());

    public static WorkshopDecision Answer(WorkshopState state, string questionId, string answer, string by = "alice") =>
        AnswerQuestionFeature.Decide(new AnswerQuestion(WorkshopId, questionId, Json(answer), by), state, Vocabulary, Now);

    public static WorkshopProfile Profile(params (string QuestionId, string Answer)[] answers) => WorkshopProfile.From(Given(answers));
}
