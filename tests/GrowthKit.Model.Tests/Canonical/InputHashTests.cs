namespace GrowthKit.Model.Tests.Canonical;

public class InputHashTests
{
    [Fact]
    public void Is_sha256_of_the_jcs_of_lead_definition_and_model_version()
    {
        // Expected bytes written by hand; the hash computed independently with Python's hashlib:
        // {"definition":{"criteria":[{"field":"externalId","key":"k","operator":"exists","weight":1}],"name":"n"},
        //  "lead":{"company":{"name":"Acme €"},"externalId":"crm-1"},"modelVersion":"growthkit-score/1"}
        var lead = LeadJson.ToElement(new Lead("crm-1", new Company("Acme €", null, null, null, null, null), null, null, null, null));
        var definition = Json.Read<IcpDefinition>("""
            {"name": "n", "criteria": [{"key": "k", "field": "externalId", "operator": "exists", "weight": 1}]}
            """);

        var hash = InputHash.Compute(lead, definition, ScoringModel.ModelVersion);

        Assert.Equal("sha256:5b0501bc3d83e3de0f685e7bf66a56f9f2f535032feb0ce8aae6cc7e9f10d445", hash);
    }

    [Fact]
    public void Weights_written_as_30_or_30_point_0_hash_alike()
    {
        var lead = Json.Parse(Examples.Lead);
        var plain = Json.Read<IcpDefinition>(Examples.Definition);
        var withPoint = Json.Read<IcpDefinition>(Examples.Definition.Replace("\"weight\": 30", "\"weight\": 30.0", StringComparison.Ordinal));

        Assert.Equal(
            InputHash.Compute(lead, plain, ScoringModel.ModelVersion),
            InputHash.Compute(lead, withPoint, ScoringModel.ModelVersion));
    }
}
