using System.Text.Json;
using GrowthKit.Icp.Workshops;
using GrowthKit.Model;
using static GrowthKit.Services.Tests.Workshops.WorkshopScript;

namespace GrowthKit.Services.Tests.Workshops;

/// <summary>Answers → definition and the plain-language preview: pure functions.</summary>
public sealed class WorkshopDefinitionTests
{
    private static (string, string)[] With(string questionId, string answer) =>
        LogisticsAnswers.Select(a => a.QuestionId == questionId ? (questionId, answer) : a).ToArray();

    private static string Values(Criterion c) => string.Join(",", c.Values!.Select(v => v.ToString()));

    private static string Json(object value) => JsonSerializer.Serialize(value, ModelJson.Options);

    [Fact]
    public void The_answers_become_criteria_with_the_contracts_keys_fields_and_operators()
    {
        var definition = WorkshopDefinition.ToDefinition(WorkshopProfile.From(GivenAll()), "Logistics");

        Assert.Equal("Logistics", definition.Name);
        Assert.Null(definition.Tiers);
        var criteria = definition.Criteria!.ToDictionary(c => c.Key!);
        Assert.Equal(["industry", "size", "region", "trigger", "pain", "department"], definition.Criteria!.Select(c => c.Key));
        Assert.Equal((FieldPaths.CompanyIndustry, Operators.In, "Transportation and Warehousing,Wholesale Trade", 30m),
            (criteria["industry"].Field, criteria["industry"].Operator, Values(criteria["industry"]), criteria["industry"].Weight!.Value));
        Assert.Equal((FieldPaths.CompanyEmployeeCount, Operators.Between, 50m, 500m, 25m),
            (criteria["size"].Field, criteria["size"].Operator, criteria["size"].Min!.Value, criteria["size"].Max!.Value, criteria["size"].Weight!.Value));
        Assert.Equal((FieldPaths.CompanyCountry, Operators.In, "DACH", 20m),
            (criteria["region"].Field, criteria["region"].Operator, Values(criteria["region"]), criteria["region"].Weight!.Value));
        Assert.Equal((FieldPaths.Signals, Operators.AnyOf, "funding_round", 15m),
            (criteria["trigger"].Field, criteria["trigger"].Operator, Values(criteria["trigger"]), criteria["trigger"].Weight!.Value));
        Assert.Equal((FieldPaths.PainPoints, Operators.AnyOf, "manual_dispatch", 10m),
            (criteria["pain"].Field, criteria["pain"].Operator, Values(criteria["pain"]), criteria["pain"].Weight!.Value));
        // The department was not weighed in the answer: it keeps its default.
        Assert.Equal((FieldPaths.ContactDepartment, Operators.In, "operations", 10m),
            (criteria["department"].Field, criteria["department"].Operator, Values(criteria["department"]), criteria["department"].Weight!.Value));

        Assert.Equal("""[{"role":"Head of Operations","seniority":["head"],"department":["operations"]}]""", Json(definition.Personas!));
        Assert.Equal("""[{"key":"fewer-than-10-employees","field":"company.employeeCount","operator":"lt","value":10,"reason":"Fewer than 10 employees"}]""",
            Json(definition.Disqualifiers!));
    }

    [Fact]
    public void The_definition_is_valid_and_a_region_becomes_its_countries_only_when_the_draft_is_saved()
    {
        var definition = WorkshopDefinition.ToDefinition(WorkshopProfile.From(GivenAll()), "Logistics");

        Assert.True(IcpDefinitionValidation.Validate(definition).IsValid);
        Assert.Equal("DACH", Values(definition.Criteria!.Single(c => c.Key == "region")));

        // What DefinitionPreparation does when the draft is saved.
        var saved = DefinitionExpansion.Expand(definition, []);
        Assert.Equal("DE,AT,CH", Values(saved.Criteria!.Single(c => c.Key == "region")));
        Assert.True(IcpDefinitionValidation.Validate(saved).IsValid);
    }

    [Fact]
    public void Without_a_weighting_answer_every_trait_takes_its_default_weight()
    {
        var profile = Profile(LogisticsAnswers.TakeWhile(a => a.QuestionId != QuestionIds.Weights).ToArray());

        var weights = WorkshopDefinition.ToDefinition(profile, null).Criteria!.ToDictionary(c => c.Key!, c => c.Weight!.Value);

        Assert.Equal(new Dictionary<string, decimal>
        {
            ["industry"] = 30, ["size"] = 25, ["region"] = 20, ["trigger"] = 15, ["pain"] = 10, ["department"] = 10,
        }, weights);
    }

    [Fact]
    public void A_trait_weighted_zero_is_left_out_and_negative_weights_are_kept()
    {
        var profile = Profile(With(QuestionIds.Weights, """{"industry": 50, "region": 0, "department": -10}"""));

        var criteria = WorkshopDefinition.ToDefinition(profile, "x").Criteria!;

        Assert.DoesNotContain(criteria, c => c.Key == "region");
        Assert.Equal(50m, criteria.Single(c => c.Key == "industry").Weight);
        Assert.Equal(-10m, criteria.Single(c => c.Key == "department").Weight);
        Assert.Equal(25m, criteria.Single(c => c.Key == "size").Weight);
    }

    [Fact]
    public void Revenue_and_open_ranges_use_between_gte_or_lte()
    {
        var profile = Profile(With(QuestionIds.CompanySize, """{"min": 200}""").Select(a =>
            a.Item1 == QuestionIds.Revenue ? (QuestionIds.Revenue, """{"max": 50000000}""") : a).ToArray());

        var criteria = WorkshopDefinition.ToDefinition(profile, "x").Criteria!.ToDictionary(c => c.Key!);

        Assert.Equal((FieldPaths.CompanyEmployeeCount, Operators.Gte, "200"),
            (criteria["size"].Field, criteria["size"].Operator, criteria["size"].Value!.Value.GetRawText()));
        Assert.Equal((FieldPaths.CompanyAnnualRevenue, Operators.Lte, "50000000", 10m),
            (criteria["revenue"].Field, criteria["revenue"].Operator, criteria["revenue"].Value!.Value.GetRawText(), criteria["revenue"].Weight!.Value));
        Assert.Equal(["industry", "size", "revenue", "region", "trigger", "pain", "department"], criteria.Keys);
    }

    [Fact]
    public void Skipped_questions_give_no_criteria()
    {
        var profile = Profile(
            (QuestionIds.Industries, """["Retail Trade"]"""), (QuestionIds.CompanySize, "\"11-50\""), (QuestionIds.Revenue, "null"),
            (QuestionIds.Regions, "[]"), (QuestionIds.BuyingTriggers, "null"), (QuestionIds.PainPoints, "null"),
            (QuestionIds.Personas, """["Office manager"]"""), (QuestionIds.Disqualifiers, "null"), (QuestionIds.Weights, """{"industry": 1}"""));

        var definition = WorkshopDefinition.ToDefinition(profile, "Shops");

        Assert.Equal(["industry", "size"], definition.Criteria!.Select(c => c.Key));
        Assert.Equal([1m, 25m], definition.Criteria!.Select(c => c.Weight!.Value));
        Assert.Null(definition.Disqualifiers);
        Assert.Equal("Office manager", Assert.Single(definition.Personas!).Role);
    }

    [Fact]
    public void Derived_disqualifiers_follow_the_answers_they_derive_from()
    {
        var chosen = With(QuestionIds.Disqualifiers, """["too-small", "outside-regions", "competitor"]""");
        var before = WorkshopDefinition.ToDefinition(Profile(chosen), "x").Disqualifiers!;

        var state = Given(chosen);
        state = WorkshopEvolution.Evolve(state, Answer(state, QuestionIds.CompanySize, """{"min": 20, "max": 200}""").Events.Single());
        state = WorkshopEvolution.Evolve(state, Answer(state, QuestionIds.Regions, "null").Events.Single());
        var after = WorkshopDefinition.ToDefinition(WorkshopProfile.From(state), "x").Disqualifiers!;

        Assert.Equal(
            """[{"key":"too-small","field":"company.employeeCount","operator":"lt","value":50,"reason":"Fewer than 50 employees"},""" +
            """{"key":"outside-regions","field":"company.country","operator":"notIn","values":["DACH"],"reason":"Based outside DACH"},""" +
            """{"key":"competitor","field":"attributes.relationship","operator":"in","values":["competitor"],"reason":"A competitor"}]""",
            Json(before));
        Assert.Equal(["too-small", "competitor"], after.Select(d => d.Key));
        Assert.Equal("20", after[0].Value!.Value.GetRawText());
        Assert.DoesNotContain(WorkshopDefinition.ToDefinition(WorkshopProfile.From(state), "x").Criteria!, c => c.Key == "region");
    }

    [Fact]
    public void The_summary_reads_the_answers_as_one_plain_sentence()
    {
        var vocabulary = Vocabulary with { BuyingTriggers = [new TaxonomyTerm("funding_round", "Raised a funding round")] };

        var preview = WorkshopDefinition.Preview(WorkshopProfile.From(GivenAll()), vocabulary);

        Assert.Equal(
            "Companies in Transportation and Warehousing or Wholesale Trade with 50–500 employees in DACH that recently raised a " +
            "funding round and struggle with manual dispatch; decided by a Head of Operations. Not: fewer than 10 employees.",
            preview.Summary);
        Assert.Equal(Json(WorkshopDefinition.ToDefinition(WorkshopProfile.From(GivenAll()), null)), Json(preview.Definition));
    }

    [Fact]
    public void The_summary_names_countries_revenue_open_ranges_new_terms_and_every_persona()
    {
        var profile = Profile(
            (QuestionIds.Industries, """["Retail Trade", "Information", "Utilities"]"""),
            (QuestionIds.CompanySize, """{"min": 1000}"""),
            (QuestionIds.Revenue, "\"10m-50m\""),
            (QuestionIds.Regions, """["DE", "Nordics"]"""),
            (QuestionIds.BuyingTriggers, """["Opened a second warehouse"]"""),
            (QuestionIds.PainPoints, "null"),
            (QuestionIds.Personas, """["VP Sales", "IT manager"]"""),
            (QuestionIds.Disqualifiers, """["competitor", "outside EU"]"""));

        Assert.Equal(
            "Companies in Retail Trade, Information or Utilities with at least 1,000 employees and 10M–50M annual revenue in " +
            "Germany or Nordics that recently opened a second warehouse; decided by a VP Sales or an IT manager. " +
            "Not: a competitor; based outside EU.",
            WorkshopDefinition.Summary(profile, Vocabulary));
    }

    [Fact]
    public void Before_any_answer_the_preview_is_empty()
    {
        var preview = WorkshopDefinition.Preview(WorkshopProfile.Empty, Vocabulary);

        Assert.Equal("Companies.", preview.Summary);
        Assert.Empty(preview.Definition.Criteria!);
        Assert.Null(preview.Definition.Disqualifiers);
        Assert.Null(preview.Definition.Personas);
    }
}
