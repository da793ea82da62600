using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>Leads pushed through the gateway: batches, normalisation, idempotent retries and size limits.</summary>
[Collection(GrowthKitCollection.Name)]
public sealed class LeadIngestionTests(GrowthKitApp system)
{
    [Fact]
    public async Task A_batch_records_its_valid_leads_and_rejects_the_others_by_index_naming_the_field()
    {
        var tenant = await system.CreateTenantAsync();
        var broken = Samples.Lead("batch-2");
        broken["company"]!.AsObject().Remove("name");
        var wrongType = Samples.Lead("batch-4");
        wrongType["company"]!["employeeCount"] = "lots";

        using var response = await PostBatch(tenant.Api, [Samples.Lead("batch-1"), broken, Samples.Lead("batch-3"), wrongType]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.ReadObject();
        var accepted = answer["accepted"]!.AsArray().Select(a => a!.AsObject()).ToList();
        Assert.Equal([0, 2], accepted.Select(a => a["index"]!.GetValue<int>()));
        Assert.Equal(["batch-1", "batch-3"], accepted.Select(a => a["externalId"]!.GetValue<string>()));
        var rejected = answer["rejected"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal([1, 3], rejected.Select(r => r["index"]!.GetValue<int>()));
        Assert.Contains("company.name", rejected[0]["errors"]!.AsObject().Select(e => e.Key));
        Assert.Contains("company.employeeCount", rejected[1]["errors"]!.AsObject().Select(e => e.Key));

        var leadId = Guid.Parse(accepted[0]["leadId"]!.GetValue<string>());
        var lead = await tenant.Api.WaitForLead(leadId, _ => true);
        Assert.Equal("batch-1", lead["externalId"]!.GetValue<string>());
        using var missing = await tenant.Api.GetAsync("/api/leads/by-external-id/batch-2");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_lead_is_stored_normalised_beside_the_raw_input()
    {
        var tenant = await system.CreateTenantAsync();
        var sent = Samples.Lead(" norm-1 ");
        sent["company"]!["country"] = "Germany";
        sent["company"]!["industry"] = "logistics";
        sent["company"]!["employeeCount"] = "51-200";
        sent["company"]!["domain"] = " Acme-Logistics.DE ";

        var leadId = await tenant.Api.PushLead(sent);

        var lead = await tenant.Api.WaitForLead(leadId, _ => true);
        var company = lead["lead"]!["company"]!;
        Assert.Equal("DE", company["country"]!.GetValue<string>());
        Assert.Equal("Transportation and Warehousing", company["industry"]!.GetValue<string>());
        Assert.Equal(125m, company["employeeCount"]!.GetValue<decimal>());
        Assert.Equal("acme-logistics.de", company["domain"]!.GetValue<string>());
        Assert.Equal("norm-1", lead["externalId"]!.GetValue<string>());
        Assert.Equal(1, lead["snapshot"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(sent, lead["raw"]), $"raw changed: {lead["raw"]?.ToJsonString()}");
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_gets_the_first_answer()
    {
        var tenant = await system.CreateTenantAsync();
        var body = Batch([Samples.Lead("idem-1"), Samples.Lead("idem-2")]);

        using var first = await Send(tenant.Api, "/api/leads/batch", body, "retry-me");
        using var retry = await Send(tenant.Api, "/api/leads/batch", body, "retry-me");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));

        using var misuse = await Send(tenant.Api, "/api/leads/batch", Batch([Samples.Lead("idem-3")]), "retry-me");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, misuse.StatusCode);
        Assert.Equal("application/problem+json", misuse.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Idempotency-Key", (await misuse.ReadObject())["errors"]!.AsObject().Select(e => e.Key));
        using var notRecorded = await tenant.Api.GetAsync("/api/leads/by-external-id/idem-3");
        Assert.Equal(HttpStatusCode.NotFound, notRecorded.StatusCode);
    }

    [Fact]
    public async Task A_batch_over_512_KB_is_a_413_and_over_1000_leads_a_400_naming_leads()
    {
        var tenant = await system.CreateTenantAsync();
        var padded = Enumerable.Range(0, 6).Select(i =>
        {
            var lead = Samples.Lead($"big-{i}");
            lead["attributes"] = new JsonObject { ["notes"] = new string('x', 100 * 1024) };
            return lead;
        }).ToList();

        using var tooLarge = await PostBatch(tenant.Api, padded);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);

        using var tooMany = await PostBatch(tenant.Api, [.. Enumerable.Range(0, 1001).Select(i => new JsonObject { ["externalId"] = $"m-{i}" })]);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(["leads"], (await tooMany.ReadObject())["errors"]!.AsObject().Select(e => e.Key));

        using var lookup = await tenant.Api.GetAsync("/api/leads/by-external-id/big-0");
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    private static string Batch(IEnumerable<JsonObject> leads) =>
        new JsonObject { ["leads"] = new JsonArray([.. leads]) }.ToJsonString();

    private static Task<HttpResponseMessage> PostBatch(HttpClient api, IEnumerable<JsonObject> leads) =>
        Send(api, "/api/leads/batch", Batch(leads));

    private static async Task<HttpResponseMessage> Send(HttpClient api, string path, string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await api.SendAsync(request);
    }
}
