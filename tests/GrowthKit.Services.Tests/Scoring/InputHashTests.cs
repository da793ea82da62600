using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.Scoring.Scores;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>The batch path's hash (definition prepared once) equals the model's reference <see cref="InputHash.Compute"/>.</summary>
public sealed class InputHashTests
{
    [Theory]
    [InlineData("""{"externalId":"a","company":{"name":"Acme","employeeCount":120,"annualRevenue":25000000.50}}""")]
    [InlineData("""{"externalId":"ü/ß \"q\"","company":{"name":"Zürich\u0007 AG","country":"CH"},"signals":["x","y"],"attributes":{"b":1e3,"a":[true,null]}}""")]
    [InlineData("""{"z":1,"a":{"d":0.1,"c":-0}}""")]
    public void The_prepared_version_hashes_a_lead_as_the_reference_does(string leadJson)
    {
        using var document = JsonDocument.Parse(leadJson);
        var lead = document.RootElement;
        var definition = JsonSerializer.Serialize(Samples.Definition(), ModelJson.Options);
        var version = ScoringVersion.Parse(Guid.NewGuid(), 1, definition);

        var fast = version.InputHashOf(System.Text.Encoding.UTF8.GetBytes(CanonicalJson.Serialize(lead)));

        Assert.Equal(InputHash.Compute(lead, Samples.Definition(), ScoringModel.ModelVersion), fast);
    }

    [Fact]
    public void Scoring_a_batch_gives_what_scoring_one_by_one_gives()
    {
        var version = ScoringVersion.Parse(Guid.NewGuid(), 3, JsonSerializer.Serialize(Samples.Definition(), ModelJson.Options));
        var leads = Enumerable.Range(0, 200).Select(i => ScoringKit.Variant($"crm-{i}", i % 7)).Select(LeadJson.ToElement)
            .Select((l, i) => new LeadToScore(Guid.NewGuid(), 1 + i % 3, l.GetRawText(), CanonicalJson.Serialize(l)))
            .ToList();
        var now = DateTimeOffset.UtcNow;

        var scored = LeadScoring.ScoreAll(leads, [version], now);
        Assert.Empty(scored.Failures);
        var batch = scored.Scores;

        Assert.Equal(leads.Count, batch.Length);
        for (var i = 0; i < leads.Count; i++)
        {
            using var document = JsonDocument.Parse(leads[i].Lead);
            var one = LeadScoring.Compute(leads[i].LeadId, leads[i].Snapshot, document.RootElement, version.IcpId, 3,
                Samples.Definition(), now);
            Assert.Equal(CanonicalJson.Of(one), CanonicalJson.Of(batch[i]));
            Assert.Equal(ScoringKit.Expected[i % 7].Score, batch[i].Score);
        }
    }

    [Fact]
    public void A_lead_the_scorer_cannot_score_is_named_and_the_others_are_scored()
    {
        // A definition stored before weights were bounded: 1e27 weights overflow the decimal sum.
        var legacy = Samples.Definition() with
        {
            Criteria = [.. Samples.Definition().Criteria!.Select(c => c with { Weight = c.Weight * 1e26m })],
        };
        var version = ScoringVersion.Parse(Guid.NewGuid(), 1, JsonSerializer.Serialize(legacy, ModelJson.Options));
        var fine = ScoringVersion.Parse(Guid.NewGuid(), 2, JsonSerializer.Serialize(Samples.Definition(), ModelJson.Options));
        var leads = Enumerable.Range(0, 7).Select(i => ScoringKit.Variant($"crm-{i}", i)).Select(LeadJson.ToElement)
            .Select(l => new LeadToScore(Guid.NewGuid(), 1, l.GetRawText(), CanonicalJson.Serialize(l)))
            .Append(new LeadToScore(Guid.NewGuid(), 1, "{not json", "{}"))
            .ToList();

        var scored = LeadScoring.ScoreAll(leads, [version, fine], DateTimeOffset.UtcNow);

        Assert.Contains(scored.Failures, f => f.Lead == leads[^1] && f.Version == 2);
        Assert.All(scored.Failures.Where(f => f.Version == 1 && f.Lead != leads[^1]), f => Assert.IsAssignableFrom<ArithmeticException>(f.Error));
        Assert.Equal(7, scored.Scores.Count(s => s.IcpVersion == 2));
        Assert.Equal(scored.Scores.Length + scored.Failures.Count, leads.Count * 2);
    }
}
