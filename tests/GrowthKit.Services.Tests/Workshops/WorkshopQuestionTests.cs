using GrowthKit.Icp.Vocabulary;
using GrowthKit.Icp.Workshops;
using GrowthKit.Model;
using static GrowthKit.Services.Tests.Workshops.WorkshopScript;

namespace GrowthKit.Services.Tests.Workshops;

public sealed class WorkshopQuestionTests
{
    [Fact]
    public void Questions_come_one_after_another_in_a_fixed_order_with_stable_ids_and_kinds()
    {
        var asked = new List<(string Id, string Kind, int Step)>();
        var events = new List<object> { Started() };
        foreach (var (questionId, answer) in LogisticsAnswers)
        {
            var state = GivenFrom(events);
            var question = WorkshopQuestions.Current(state, Vocabulary)!;
            asked.Add((question.Id, question.Kind, question.Step));
            events.AddRange(WorkshopScript.Answer(state, questionId, answer).Events);
        }

        Assert.Equal(
        [
            ("industries", "multi", 1), ("company-size", "range", 2), ("revenue", "range", 3), ("regions", "multi", 4),
            ("buying-triggers", "multi", 5), ("pain-points", "multi", 6), ("personas", "multi", 7),
            ("disqualifiers", "multi", 8), ("weights", "weights", 9),
        ], asked);
        Assert.Null(WorkshopQuestions.Current(GivenFrom(events), Vocabulary));
    }

    private static WorkshopState GivenFrom(List<object> events) => WorkshopEvolution.Replay(events);

    [Fact]
    public void Every_question_says_what_it_asks_where_it_stands_and_whether_it_may_be_skipped()
    {
        foreach (var id in QuestionIds.InOrder)
        {
            var question = WorkshopQuestions.Ask(id, WorkshopProfile.From(GivenAll()), Vocabulary);
            Assert.False(string.IsNullOrWhiteSpace(question.Text));
            Assert.False(string.IsNullOrWhiteSpace(question.Help));
            Assert.Equal(QuestionIds.InOrder.Count, question.Of);
            Assert.Equal(id is QuestionIds.Industries or QuestionIds.CompanySize or QuestionIds.Weights, !question.Optional);
        }
        Assert.Equal("What had just happened inside the company when they bought?",
            WorkshopQuestions.Ask(QuestionIds.BuyingTriggers, WorkshopProfile.Empty, Vocabulary).Text);
        Assert.Equal("Which problem was acute enough to pay for?",
            WorkshopQuestions.Ask(QuestionIds.PainPoints, WorkshopProfile.Empty, Vocabulary).Text);
    }

    [Fact]
    public void Industry_and_size_options_come_from_the_taxonomy()
    {
        var industries = WorkshopQuestions.Ask(QuestionIds.Industries, WorkshopProfile.Empty, Vocabulary).Options!;
        var sizes = WorkshopQuestions.Ask(QuestionIds.CompanySize, WorkshopProfile.Empty, Vocabulary).Options!;

        Assert.Equal(Taxonomy.Industries.Select(t => t.Value), industries.Select(o => o.Value));
        Assert.Contains(industries, o => o.Value == "Transportation and Warehousing");
        Assert.Equal(Taxonomy.CompanySizes.Select(b => b.Value), sizes.Select(o => o.Value));
    }

    [Fact]
    public void Region_options_list_region_groups_first_including_the_tenants_then_countries()
    {
        var tenant = TenantVocabulary.Empty with
        {
            Groups = [new TermGroup(FieldPaths.CompanyCountry, "Home market", ["DE", "AT"]), new TermGroup(FieldPaths.PainPoints, "Ops pains", ["x"])],
        };

        var options = WorkshopQuestions.Ask(QuestionIds.Regions, WorkshopProfile.Empty, WorkshopVocabulary.From(tenant)).Options!
            .Select(o => o.Value).ToList();

        var groups = Taxonomy.Regions.Count + 1;
        Assert.Equal([.. Taxonomy.Regions.Select(r => r.Name), "Home market"], options.Take(groups));
        Assert.Equal(Taxonomy.Countries.Select(c => c.Value), options.Skip(groups));
        Assert.DoesNotContain("Ops pains", options);
    }

    [Fact]
    public void Trigger_and_pain_options_include_the_tenants_own_terms()
    {
        var tenant = TenantVocabulary.Empty with
        {
            BuyingTriggers = [new TaxonomyTerm("won_tender", "Won a public tender")],
            PainPoints = [new TaxonomyTerm("customs_paperwork", "Customs paperwork")],
        };
        var vocabulary = WorkshopVocabulary.From(tenant);

        var triggers = WorkshopQuestions.Ask(QuestionIds.BuyingTriggers, WorkshopProfile.Empty, vocabulary).Options!;
        var pains = WorkshopQuestions.Ask(QuestionIds.PainPoints, WorkshopProfile.Empty, vocabulary).Options!;

        Assert.Equal("funding_round", triggers[0].Value);
        Assert.Equal(new QuestionOption("won_tender", "Won a public tender"), triggers[^1]);
        Assert.Equal(new QuestionOption("customs_paperwork", "Customs paperwork"), pains[^1]);
    }

    [Fact]
    public void Persona_options_pair_every_seniority_with_every_department()
    {
        var options = WorkshopQuestions.Ask(QuestionIds.Personas, WorkshopProfile.Empty, Vocabulary).Options!;

        Assert.Equal(Taxonomy.Seniorities.Count * Taxonomy.Departments.Count, options.Count);
        Assert.Contains(new QuestionOption("director:operations", "Director of Operations"), options);
    }

    [Fact]
    public void Weights_offer_only_the_traits_answered_so_far_with_their_defaults()
    {
        var profile = Profile(LogisticsAnswers.TakeWhile(a => a.QuestionId != QuestionIds.Weights).ToArray());

        var question = WorkshopQuestions.Ask(QuestionIds.Weights, profile, Vocabulary);

        Assert.Equal(["industry", "size", "region", "trigger", "pain", "department"], question.Options!.Select(o => o.Value));
        Assert.Equal(new Dictionary<string, decimal>
        {
            ["industry"] = 30, ["size"] = 25, ["region"] = 20, ["trigger"] = 15, ["pain"] = 10, ["department"] = 10,
        }, question.Defaults);
    }

    [Fact]
    public void Disqualifier_options_follow_the_size_and_region_answers()
    {
        var withSizeAndRegion = WorkshopQuestions.Ask(QuestionIds.Disqualifiers, WorkshopProfile.From(GivenUpTo(QuestionIds.Disqualifiers)), Vocabulary);
        var openSizeNoRegion = WorkshopQuestions.Ask(QuestionIds.Disqualifiers, Profile(
            (QuestionIds.Industries, """["Retail Trade"]"""), (QuestionIds.CompanySize, """{"max": 100}""")), Vocabulary);

        Assert.Equal(
        [
            new QuestionOption("too-small", "Fewer than 50 employees"),
            new QuestionOption("too-large", "More than 500 employees"),
            new QuestionOption("outside-regions", "Based outside DACH"),
        ], withSizeAndRegion.Options!.Take(3));
        Assert.Equal("competitor", withSizeAndRegion.Options![3].Value);
        Assert.Equal(["too-large", "competitor"], openSizeNoRegion.Options!.Select(o => o.Value));
    }

    [Fact]
    public void Only_the_current_question_and_earlier_ones_are_reachable()
    {
        var answers = GivenUpTo(QuestionIds.Regions).Answers;

        Assert.True(WorkshopQuestions.IsReachable(QuestionIds.Industries, answers));
        Assert.True(WorkshopQuestions.IsReachable(QuestionIds.Regions, answers));
        Assert.False(WorkshopQuestions.IsReachable(QuestionIds.BuyingTriggers, answers));
        Assert.True(WorkshopQuestions.IsReachable(QuestionIds.Weights, GivenAll().Answers));
    }
}
