using System.Text.Json;

namespace GrowthKit.Model.Tests.Scoring;

public class BreakdownTests
{
    private static ScoreResult ScoreExample(string lead) =>
        IcpScorer.Score(LeadJson.ToElement(LeadNormalizer.Normalize(Json.Read<Lead>(lead))), Examples.ParsedDefinition());

    [Fact]
    public void Lists_every_criterion_in_declaration_order_with_declared_weight_and_contribution()
    {
        var result = ScoreExample(Examples.IndustrySizeTriggerSalesLead);

        Assert.Equal(["industry", "size", "region", "trigger", "pain", "sales-led"], result.Breakdown.Select(r => r.Key));
        Assert.Equal([true, true, false, true, false, true], result.Breakdown.Select(r => r.Matched));
        Assert.Equal([30m, 25m, 20m, 15m, 10m, -10m], result.Breakdown.Select(r => r.Weight));
        Assert.Equal([30m, 25m, 0m, 15m, 0m, -10m], result.Breakdown.Select(r => r.Contribution));
    }

    [Fact]
    public void Shows_the_leads_value_as_actual_and_null_for_a_missing_field()
    {
        var result = ScoreExample(Examples.IndustrySizeTriggerLead);
        var actual = result.Breakdown.ToDictionary(r => r.Key, r => r.Actual);

        Assert.Equal("Transportation and Warehousing", actual["industry"]!.Value.GetString());
        Assert.Equal(120m, actual["size"]!.Value.GetDecimal());
        Assert.Equal("US", actual["region"]!.Value.GetString());
        Assert.Equal("""["funding_round"]""", actual["trigger"]!.Value.GetRawText());
        Assert.Null(actual["pain"]);
    }

    [Fact]
    public void Writes_actual_null_and_disqualifiedBy_null_in_json()
    {
        var result = ScoreExample(Examples.IndustrySizeTriggerLead);

        var json = Json.Write(result);

        Assert.StartsWith("""{"score":72.7,"tier":"B","breakdown":[""", json);
        Assert.Contains("""{"key":"pain","matched":false,"weight":10,"contribution":0,"actual":null}""", json);
        Assert.EndsWith(""","disqualifiedBy":null}""", json);
    }

    [Fact]
    public void A_disqualified_lead_names_the_key_and_reason_and_keeps_its_breakdown()
    {
        var result = ScoreExample("""{"externalId": "x", "company": {"name": "A", "employeeCount": 3}}""");

        Assert.Equal(new DisqualifiedBy("too-small", "Too small to need dispatch software"), result.DisqualifiedBy);
        Assert.Equal(6, result.Breakdown.Count);
        Assert.Contains("\"disqualifiedBy\":{\"key\":\"too-small\",\"reason\":\"Too small to need dispatch software\"}", Json.Write(result));
    }

    [Fact]
    public void Actual_outlives_the_document_the_lead_was_read_from()
    {
        ScoreResult result;
        using (var document = JsonDocument.Parse(Examples.Lead))
            result = IcpScorer.Score(document.RootElement, Examples.ParsedDefinition());

        Assert.Equal("DE", result.Breakdown.Single(r => r.Key == "region").Actual!.Value.GetString());
    }

    [Fact]
    public void A_definition_without_criteria_scores_0_rather_than_dividing_by_zero()
    {
        var result = IcpScorer.Score(Json.Parse(Examples.Lead), new IcpDefinition("empty", null, [], null, null, null));

        Assert.Equal(0m, result.Score);
        Assert.Equal("D", result.Tier);
        Assert.Empty(result.Breakdown);
    }
}
