using System.Text.Json;
using GrowthKit.Icp.Workshops;
using GrowthKit.Icp.Workshops.Answering;
using static GrowthKit.Services.Tests.Workshops.WorkshopScript;

namespace GrowthKit.Services.Tests.Workshops;

/// <summary>Each kind of question validates and normalises its answers.</summary>
public sealed class WorkshopAnswerTests
{
    private static AnswerCheck Check(string questionId, string answer, WorkshopState? given = null) =>
        WorkshopAnswers.Check(questionId, Json(answer), WorkshopProfile.From(given ?? GivenAll()), Vocabulary);

    private static string Stored(string questionId, string answer, WorkshopState? given = null)
    {
        var check = Check(questionId, answer, given);
        Assert.True(check.Rejection is null, JsonSerializer.Serialize(check.Rejection));
        return check.Answer is { } stored ? stored.GetRawText() : "null";
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { QuestionIds.Industries, "42", "answer" },
        { QuestionIds.Industries, "[1]", "answer[0]" },
        { QuestionIds.Industries, """["ok", "  "]""", "answer[1]" },
        { QuestionIds.Industries, "null", "answer" },
        { QuestionIds.CompanySize, "[50, 500]", "answer" },
        { QuestionIds.CompanySize, """{"min": "ten"}""", "answer.min" },
        { QuestionIds.CompanySize, "{}", "answer" },
        { QuestionIds.CompanySize, "null", "answer" },
        { QuestionIds.Revenue, "true", "answer" },
        { QuestionIds.Regions, """[{"country": "DE"}]""", "answer[0]" },
        { QuestionIds.Personas, """[{"seniority": "vp"}]""", "answer[0].role" },
        { QuestionIds.Personas, """[{"role": "Buyer", "department": [7]}]""", "answer[0].department[0]" },
        { QuestionIds.Weights, "[30, 20]", "answer" },
        { QuestionIds.Weights, """{"industry": "high"}""", "answer.industry" },
        { QuestionIds.Weights, "null", "answer" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_wrongly_shaped_answer_is_malformed_naming_the_part(string questionId, string answer, string field)
    {
        var rejection = Check(questionId, answer).Rejection;

        Assert.NotNull(rejection);
        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
        Assert.Contains(field, rejection.Errors.Keys);
    }

    public static TheoryData<string, string, string> BreakingRules => new()
    {
        { QuestionIds.Industries, "[]", "answer" },
        { QuestionIds.CompanySize, """{"min": 500, "max": 50}""", "answer.min" },
        { QuestionIds.CompanySize, """{"min": -1}""", "answer.min" },
        { QuestionIds.CompanySize, "\"lots\"", "answer" },
        { QuestionIds.Regions, """["DACH", "Atlantis"]""", "answer[1]" },
        { QuestionIds.BuyingTriggers, """["!!!"]""", "answer[0]" },
        { QuestionIds.Disqualifiers, """["purple leads"]""", "answer[0]" },
        { QuestionIds.Weights, """{"industry": 0, "size": -5, "region": 0, "trigger": 0, "pain": 0, "department": 0}""", "answer" },
        { QuestionIds.Weights, """{"industry": 30, "colour": 10}""", "answer.colour" },
        { QuestionIds.Weights, """{"industry": 500}""", "answer.industry" },
        { QuestionIds.Weights, """{"revenue": 10}""", "answer.revenue" },
    };

    [Theory]
    [MemberData(nameof(BreakingRules))]
    public void A_well_formed_answer_that_breaks_a_rule_names_the_part(string questionId, string answer, string field)
    {
        var rejection = Check(questionId, answer).Rejection;

        Assert.NotNull(rejection);
        Assert.Equal(RejectionKind.BreaksRule, rejection.Kind);
        Assert.Contains(field, rejection.Errors.Keys);
    }

    [Fact]
    public void A_derived_disqualifier_is_not_offered_without_the_answer_it_derives_from()
    {
        var noRegions = Given((QuestionIds.Industries, """["Retail Trade"]"""), (QuestionIds.CompanySize, """{"max": 100}"""));

        var rejection = Check(QuestionIds.Disqualifiers, """["too-small", "outside-regions"]""", noRegions).Rejection!;

        Assert.Equal(["answer[0]", "answer[1]"], rejection.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(QuestionIds.Revenue)]
    [InlineData(QuestionIds.Regions)]
    [InlineData(QuestionIds.BuyingTriggers)]
    [InlineData(QuestionIds.PainPoints)]
    [InlineData(QuestionIds.Personas)]
    [InlineData(QuestionIds.Disqualifiers)]
    public void An_optional_question_takes_null_or_an_empty_list_as_skipped(string questionId)
    {
        Assert.Equal("null", Stored(questionId, "null"));
        if (questionId != QuestionIds.Revenue) Assert.Equal("null", Stored(questionId, "[]"));
    }

    [Theory]
    [InlineData("""{"min": 50, "max": 500}""", """{"min":50,"max":500}""")]
    [InlineData("""{"Min": 50, "max": null}""", """{"min":50}""")]
    [InlineData("""{"max": 20}""", """{"max":20}""")]
    [InlineData("\"51-200\"", """{"min":51,"max":200}""")]
    [InlineData("\"10001+\"", """{"min":10001}""")]
    [InlineData("\"50 – 500\"", """{"min":50,"max":500}""")]
    [InlineData("\"1,000+\"", """{"min":1000}""")]
    public void A_size_is_a_range_a_band_or_range_text(string answer, string stored) =>
        Assert.Equal(stored, Stored(QuestionIds.CompanySize, answer));

    [Theory]
    [InlineData("\"1m-10m\"", """{"min":1000000,"max":10000000}""")]
    [InlineData("\"5M - 50M\"", """{"min":5000000,"max":50000000}""")]
    [InlineData("\"2.5k+\"", """{"min":2500}""")]
    public void Revenue_takes_bands_and_amounts_with_suffixes(string answer, string stored) =>
        Assert.Equal(stored, Stored(QuestionIds.Revenue, answer));

    [Fact]
    public void Industries_are_sector_titles_when_recognised_and_free_text_otherwise()
    {
        Assert.Equal("""["Transportation and Warehousing","Finance and Insurance","Space tourism"]""",
            Stored(QuestionIds.Industries, """["logistics", "52", "Space tourism", "48-49 Transportation and Warehousing"]"""));
        Assert.Equal("""["Wholesale Trade"]""", Stored(QuestionIds.Industries, "\"wholesale\""));
    }

    [Fact]
    public void A_region_stays_a_group_name_and_a_country_becomes_its_code()
    {
        Assert.Equal("""["DACH","Nordics","FR","DE"]""", Stored(QuestionIds.Regions, """["dach", "nordic countries", "France", "de", "DACH"]"""));
    }

    [Fact]
    public void Triggers_and_pains_take_values_or_labels_and_keep_free_text_as_snake_case_terms()
    {
        Assert.Equal("""["funding_round","hired_a_new_head_of_ops"]""",
            Stored(QuestionIds.BuyingTriggers, """["Raised a funding round", "Hired a new Head of Ops!"]"""));
        Assert.Equal("""["manual_dispatch","customs_paperwork"]""",
            Stored(QuestionIds.PainPoints, """["MANUAL_DISPATCH", "  Customs paperwork "]"""));
    }

    [Fact]
    public void Personas_come_from_options_typed_roles_or_whole_objects()
    {
        var stored = Stored(QuestionIds.Personas,
            """["director:operations", "Head of Operations", "CFO", {"role": "Dispatcher", "seniority": "individual contributor", "department": ["Logistics"]}]""");

        Assert.Equal(
            """[{"role":"Director of Operations","seniority":["director"],"department":["operations"]},""" +
            """{"role":"Head of Operations","seniority":["head"],"department":["operations"]},""" +
            """{"role":"CFO","seniority":["c_level"],"department":["finance"]},""" +
            """{"role":"Dispatcher","seniority":["individual_contributor"],"department":["logistics"]}]""",
            stored);
    }

    [Fact]
    public void Disqualifiers_come_from_options_and_from_free_text()
    {
        var stored = Json(Stored(QuestionIds.Disqualifiers,
            """["too-small", "Fewer than 10 employees", "more than 5,000 employees", "competitor", "outside the EU", "Russia", "Public Administration", "sales department"]"""));

        var items = stored.EnumerateArray().ToList();
        Assert.Equal("too-small", items[0].GetString());
        Assert.Equal("competitor", items[3].GetString());
        Assert.Equal("""{"key":"fewer-than-10-employees","field":"company.employeeCount","operator":"lt","value":10,"reason":"Fewer than 10 employees"}""",
            items[1].GetRawText());
        Assert.Equal("gt", items[2].GetProperty("operator").GetString());
        Assert.Equal(5000, items[2].GetProperty("value").GetDecimal());
        Assert.Equal("""{"key":"outside-eu","field":"company.country","operator":"notIn","values":["EU"],"reason":"Based outside EU"}""",
            items[4].GetRawText());
        Assert.Equal("""{"key":"in-ru","field":"company.country","operator":"in","values":["RU"],"reason":"Based in Russian Federation"}""",
            items[5].GetRawText());
        Assert.Equal("company.industry", items[6].GetProperty("field").GetString());
        Assert.Equal("""{"key":"department-sales","field":"contact.department","operator":"in","values":["sales"],"reason":"Contact in Sales"}""",
            items[7].GetRawText());
    }

    [Fact]
    public void Weights_are_stored_by_trait_key_in_trait_order()
    {
        Assert.Equal("""{"industry":40,"region":0,"department":-5}""",
            Stored(QuestionIds.Weights, """{"Department": -5, "region": 0, "INDUSTRY": 40}"""));
    }

    [Fact]
    public void An_empty_weights_answer_accepts_every_default()
    {
        Assert.Equal("{}", Stored(QuestionIds.Weights, "{}"));
    }

    [Fact]
    public void A_null_answer_reads_as_json_null_and_a_missing_one_as_undefined()
    {
        // The endpoint tells "skip" (null) from "forgot the answer" (absent, a 400) by this difference.
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        var skipped = JsonSerializer.Deserialize<AnswerRequest>("""{"questionId": "revenue", "answer": null}""", web)!;
        var missing = JsonSerializer.Deserialize<AnswerRequest>("""{"questionId": "revenue"}""", web)!;

        Assert.Equal(JsonValueKind.Null, skipped.Answer.ValueKind);
        Assert.Equal(JsonValueKind.Undefined, missing.Answer.ValueKind);
    }
}
