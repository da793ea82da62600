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

        var batch = LeadScoring.ScoreAll(leads, [version], now);

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
}
