using System.Text.Json;
using GrowthKit.Icp.Workshops;
using GrowthKit.Icp.Workshops.Completing;
using static GrowthKit.Services.Tests.Workshops.WorkshopScript;

namespace GrowthKit.Services.Tests.Workshops;

/// <summary>Given events, when a command, then events: the workshop's decisions.</summary>
public sealed class WorkshopDeciderTests
{
    private static readonly Guid IcpId = Guid.CreateVersion7();

    [Fact]
    public void Starting_records_who_started_the_workshop_and_when()
    {
        Assert.Equal(new WorkshopStarted(WorkshopId, "alice", StartedAt), Started());

        var state = WorkshopState.Create(Started());
        Assert.Empty(state.Answers);
        Assert.Null(state.Completed);
        Assert.Equal(QuestionIds.Industries, WorkshopQuestions.CurrentId(state.Answers));
    }

    [Fact]
    public void The_first_answer_to_the_current_question_is_recorded_normalised()
    {
        var decision = Answer(Given(), QuestionIds.Industries, """["logistics", "wholesale trade", "Logistics"]""", by: "bob");

        Assert.Null(decision.Rejection);
        var answered = Assert.IsType<WorkshopQuestionAnswered>(Assert.Single(decision.Events));
        Assert.Equal(WorkshopId, answered.WorkshopId);
        Assert.Equal(QuestionIds.Industries, answered.QuestionId);
        Assert.Equal("""["Transportation and Warehousing","Wholesale Trade"]""", answered.Answer!.Value.GetRawText());
        Assert.Equal("bob", answered.By);
        Assert.Equal(Now, answered.At);
    }

    [Fact]
    public void Skipping_an_optional_question_records_a_null_answer_and_moves_on()
    {
        var state = GivenUpTo(QuestionIds.Revenue);

        var decision = Answer(state, QuestionIds.Revenue, "null");

        var answered = Assert.IsType<WorkshopQuestionAnswered>(Assert.Single(decision.Events));
        Assert.Null(answered.Answer);
        var after = WorkshopEvolution.Evolve(state, answered);
        Assert.True(after.Answers.ContainsKey(QuestionIds.Revenue));
        Assert.Equal(QuestionIds.Regions, WorkshopQuestions.CurrentId(after.Answers));
    }

    [Fact]
    public void Answering_an_earlier_question_again_records_the_change_with_the_previous_answer()
    {
        var state = GivenUpTo(QuestionIds.BuyingTriggers);

        var decision = Answer(state, QuestionIds.CompanySize, """{"min": 20, "max": 200}""");

        var changed = Assert.IsType<WorkshopAnswerChanged>(Assert.Single(decision.Events));
        Assert.Equal(QuestionIds.CompanySize, changed.QuestionId);
        Assert.Equal("""{"min":50,"max":500}""", changed.Previous!.Value.GetRawText());
        Assert.Equal("""{"min":20,"max":200}""", changed.Answer!.Value.GetRawText());
        Assert.Equal(new NumberRange(20, 200), WorkshopProfile.From(WorkshopEvolution.Evolve(state, changed)).CompanySize);
    }

    [Fact]
    public void After_a_change_the_next_question_is_the_first_still_unanswered()
    {
        var state = GivenUpTo(QuestionIds.PainPoints);

        var changed = WorkshopEvolution.Evolve(state, Answer(state, QuestionIds.Industries, """["Retail Trade"]""").Events.Single());

        Assert.Equal(QuestionIds.PainPoints, WorkshopQuestions.Current(changed, Vocabulary)!.Id);
    }

    [Fact]
    public void The_same_answer_again_records_nothing()
    {
        var state = GivenUpTo(QuestionIds.Regions);

        var decision = Answer(state, QuestionIds.Industries, """["Wholesale Trade", "transportation and warehousing"]""");
        var reordered = Answer(state, QuestionIds.CompanySize, """{"max": 500, "min": 50.0}""");

        Assert.Null(decision.Rejection);
        Assert.Single(decision.Events); // the order of a list is part of the answer
        Assert.Empty(reordered.Events);
        Assert.Null(reordered.Rejection);
    }

    [Fact]
    public void Changing_a_skipped_answer_records_the_change_from_null()
    {
        var state = GivenUpTo(QuestionIds.Regions);

        var changed = Assert.IsType<WorkshopAnswerChanged>(Answer(state, QuestionIds.Revenue, """{"min": 1000000}""").Events.Single());

        Assert.Null(changed.Previous);
        Assert.Equal("""{"min":1000000}""", changed.Answer!.Value.GetRawText());
    }

    [Fact]
    public void A_question_not_reached_yet_is_refused_naming_questionId()
    {
        var decision = Answer(Given(), QuestionIds.Regions, """["DACH"]""");

        Assert.Empty(decision.Events);
        Assert.Equal(RejectionKind.BreaksRule, decision.Rejection!.Kind);
        Assert.Contains("industries", Assert.Single(decision.Rejection.Errors["questionId"]));
    }

    [Fact]
    public void An_unknown_question_is_malformed_naming_questionId()
    {
        var decision = Answer(Given(), "favourite-colour", "\"blue\"");

        Assert.Equal(RejectionKind.Malformed, decision.Rejection!.Kind);
        Assert.True(decision.Rejection.Errors.ContainsKey("questionId"));
    }

    [Fact]
    public void A_wrong_answer_records_nothing_and_names_the_answer()
    {
        var decision = Answer(Given(), QuestionIds.Industries, """{"sector": "retail"}""");

        Assert.Empty(decision.Events);
        Assert.Equal(RejectionKind.Malformed, decision.Rejection!.Kind);
        Assert.True(decision.Rejection.Errors.ContainsKey("answer"));
    }

    [Fact]
    public void Completing_records_the_draft_icp_and_its_name()
    {
        var decision = CompleteWorkshopFeature.Decide(new CompleteWorkshop(WorkshopId, "  Logistics  ", IcpId, "carol"), GivenAll(), Now);

        Assert.Null(decision.Rejection);
        Assert.Equal(new WorkshopCompleted(WorkshopId, IcpId, "Logistics", "carol", Now), Assert.Single(decision.Events));
    }

    [Fact]
    public void Completing_an_unfinished_workshop_names_every_missing_question()
    {
        var decision = CompleteWorkshopFeature.Decide(new CompleteWorkshop(WorkshopId, "Logistics", IcpId, "carol"),
            GivenUpTo(QuestionIds.PainPoints), Now);

        Assert.Empty(decision.Events);
        Assert.Equal(RejectionKind.BreaksRule, decision.Rejection!.Kind);
        Assert.Equal(
            new[] { QuestionIds.PainPoints, QuestionIds.Personas, QuestionIds.Disqualifiers, QuestionIds.Weights }.Order(StringComparer.Ordinal),
            decision.Rejection.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Completing_without_a_name_is_malformed()
    {
        var decision = CompleteWorkshopFeature.Decide(new CompleteWorkshop(WorkshopId, " ", IcpId, "carol"), GivenAll(), Now);

        Assert.Equal(RejectionKind.Malformed, decision.Rejection!.Kind);
        Assert.True(decision.Rejection.Errors.ContainsKey("name"));
    }

    [Fact]
    public void Completing_twice_is_a_conflict_naming_the_first_icp()
    {
        var events = Events(LogisticsAnswers);
        events.Add(new WorkshopCompleted(WorkshopId, IcpId, "Logistics", "carol", Now));
        var completed = WorkshopEvolution.Replay(events);

        var again = CompleteWorkshopFeature.Decide(new CompleteWorkshop(WorkshopId, "Again", Guid.CreateVersion7(), "carol"), completed, Now);

        Assert.Empty(again.Events);
        Assert.Equal(RejectionKind.Conflict, again.Rejection!.Kind);
        Assert.Equal(IcpId, again.Rejection.IcpId);
    }

    [Fact]
    public void Answering_a_completed_workshop_is_a_conflict()
    {
        var events = Events(LogisticsAnswers);
        events.Add(new WorkshopCompleted(WorkshopId, IcpId, "Logistics", "carol", Now));

        var decision = Answer(WorkshopEvolution.Replay(events), QuestionIds.Industries, """["Retail Trade"]""");

        Assert.Empty(decision.Events);
        Assert.Equal(RejectionKind.Conflict, decision.Rejection!.Kind);
        Assert.Null(WorkshopQuestions.Current(WorkshopEvolution.Replay(events), Vocabulary));
    }

    [Fact]
    public void Replaying_the_stream_rebuilds_every_latest_answer()
    {
        var events = Events(LogisticsAnswers);
        events.Add(Answer(WorkshopEvolution.Replay(events), QuestionIds.Regions, """["Nordics", "DE"]""").Events.Single());

        var state = WorkshopEvolution.Replay(events);

        Assert.Equal(QuestionIds.InOrder.Count, state.Answers.Count);
        Assert.Null(state.Answers[QuestionIds.Revenue]);
        Assert.Equal("""["Nordics","DE"]""", state.Answers[QuestionIds.Regions]!.Value.GetRawText());
        Assert.Null(WorkshopQuestions.CurrentId(state.Answers));
    }

    [Fact]
    public void Events_survive_a_json_round_trip_including_skipped_answers()
    {
        // Marten stores events as JSON: a skipped (null) answer must come back as null, not as a JSON null element.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var events = Events(LogisticsAnswers);
        var restored = events.Select(e => JsonSerializer.Deserialize(JsonSerializer.Serialize(e, e.GetType(), options), e.GetType(), options)!);

        var state = WorkshopEvolution.Replay(restored);

        Assert.Null(state.Answers[QuestionIds.Revenue]);
        Assert.Equal(WorkshopProfile.From(GivenAll()).CompanySize, WorkshopProfile.From(state).CompanySize);
    }
}
