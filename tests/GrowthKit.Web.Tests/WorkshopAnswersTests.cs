using System.Text.Json;
using GrowthKit.Web.Api;
using GrowthKit.Web.Components.Workshop;

namespace GrowthKit.Web.Tests;

/// <summary>How the workshop's transcript words each kind of answer (no browser needed).</summary>
public sealed class WorkshopAnswersTests
{
    private static readonly WorkshopQuestion Industries = new()
    {
        Id = "industries", Text = "Which industries do your best customers work in?", Kind = "multi", Help = "", Step = 1, Of = 9,
        Options = [new() { Value = "42", Label = "42 Wholesale Trade" }, new() { Value = "48", Label = "48 Transportation" }],
    };

    private static JsonElement Json(string text) => JsonSerializer.Deserialize<JsonElement>(text);

    [Fact]
    public void Chosen_options_read_as_their_labels_and_free_text_as_written()
    {
        Assert.Equal("42 Wholesale Trade, cold_chain logistics",
            WorkshopAnswers.Text("industries", Industries, Json("""["42", "cold_chain logistics"]""")));
        Assert.Equal("funding round", WorkshopAnswers.Text("signals", null, Json("""["funding_round"]""")));
    }

    [Fact]
    public void A_skipped_question_and_an_empty_choice_read_differently()
    {
        Assert.Equal("Skipped", WorkshopAnswers.Text("revenue", null, null));
        Assert.Equal("Skipped", WorkshopAnswers.Text("revenue", null, Json("null")));
        Assert.Equal("None", WorkshopAnswers.Text("industries", Industries, Json("[]")));
    }

    [Theory]
    [InlineData("""{"min": 50, "max": 500}""", "50 – 500")]
    [InlineData("""{"min": 1000000}""", "1,000,000 or more")]
    [InlineData("""{"max": 20.5}""", "up to 20.5")]
    [InlineData("""{"min": null, "max": null}""", "Any")]
    public void A_range_reads_as_its_bounds(string answer, string expected) =>
        Assert.Equal(expected, WorkshopAnswers.Text("company-size", null, Json(answer)));

    [Fact]
    public void Weights_read_trait_by_trait_and_an_empty_object_as_the_suggestion()
    {
        Assert.Equal("industry 30 · region -5", WorkshopAnswers.Text("weights", null, Json("""{"industry": 30, "region": -5}""")));
        Assert.Equal("The suggested weights", WorkshopAnswers.Text("weights", null, Json("{}")));
    }

    [Fact]
    public void Personas_and_disqualifiers_read_by_their_role_or_reason()
    {
        Assert.Equal("Head of Operations, too small",
            WorkshopAnswers.Text("disqualifiers", null, Json("""[{"role": "Head of Operations"}, {"key": "small", "reason": "too small"}]""")));
    }

    [Fact]
    public void A_question_asked_in_another_tab_gets_a_text_and_kind_from_its_id()
    {
        Assert.Equal("Company size?", WorkshopAnswers.QuestionText("company-size", null));
        Assert.Equal(Industries.Text, WorkshopAnswers.QuestionText("industries", Industries));
        Assert.Equal("range", WorkshopAnswers.KindGuess("revenue"));
        Assert.Equal("weights", WorkshopAnswers.KindGuess("weights"));
        Assert.Equal("multi", WorkshopAnswers.KindGuess("regions"));
    }
}
