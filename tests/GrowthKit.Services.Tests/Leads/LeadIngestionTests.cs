using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Leads;
using GrowthKit.Leads.Receiving;
using GrowthKit.Model;
using GrowthKit.Services.Tests.Infrastructure;
using GrowthKit.Services.Tests.Relay;
using Marten;

namespace GrowthKit.Services.Tests.Leads;

/// <summary>
/// The leads service over HTTP against real Postgres and RabbitMQ: batches accepted and rejected by
/// index, recorded in one transaction, relayed in <c>LeadsReceived</c> batches, and idempotent retries.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class LeadIngestionTests(TestServers servers, LeadRelayHarness harness)
    : IClassFixture<LeadRelayHarness>, IAsyncLifetime
{
    public Task InitializeAsync() => harness.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly Dictionary<int, (string Field, Action<JsonObject> Break)> Broken = new()
    {
        [7] = ("company.name", l => l["company"]!.AsObject().Remove("name")),
        [250] = ("company.employeeCount", l => l["company"]!["employeeCount"] = "many"),
        [501] = ("externalId", l => l.Remove("externalId")),
        [777] = ("company.employeeCount", l => l["company"]!["employeeCount"] = -5),
        [999] = ("company", l => l["company"] = "Acme"),
    };

    [Fact]
    public async Task A_batch_of_1000_records_exactly_its_valid_leads_rejects_the_others_by_index_and_relays_them_in_batches()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);
        var leads = Enumerable.Range(0, 1000).Select(i => Lead($"crm-{i}")).ToList();
        foreach (var (index, (_, breakIt)) in Broken) breakIt(leads[index]);

        using var response = await PostBatch(api, leads);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
        var accepted = answer!["accepted"]!.AsArray().Select(a => a!.AsObject()).ToList();
        var rejected = answer["rejected"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(Enumerable.Range(0, 1000).Except(Broken.Keys), accepted.Select(a => a["index"]!.GetValue<int>()));
        Assert.All(accepted, a =>
        {
            var externalId = $"crm-{a["index"]!.GetValue<int>()}";
            Assert.Equal(externalId, a["externalId"]!.GetValue<string>());
            Assert.Equal(DeterministicId.For(tenant.ToString(), externalId), Guid.Parse(a["leadId"]!.GetValue<string>()));
        });
        Assert.Equal(Broken.Keys.Order(), rejected.Select(r => r["index"]!.GetValue<int>()));
        Assert.All(rejected, r => Assert.Contains(Broken[r["index"]!.GetValue<int>()].Field, r["errors"]!.AsObject().Select(e => e.Key)));

        var acceptedIds = accepted.Select(a => Guid.Parse(a["leadId"]!.GetValue<string>())).ToHashSet();
        Assert.Equal(acceptedIds.Order(), (await StreamsOf(tenant)).Order());

        var messages = await harness.Inbox.WaitForTenantAsync(tenant, acceptedIds.Count);
        var announced = messages.SelectMany(m => m.Message.Leads).ToList();
        Assert.Equal(acceptedIds.Count, announced.Count);
        Assert.Equal(acceptedIds.Order(), announced.Select(l => l.LeadId).Order());
        Assert.All(announced, l => Assert.Equal(1, l.Snapshot));
        Assert.InRange(messages.Count, (int)Math.Ceiling(acceptedIds.Count / (double)LeadRelay.PageSize), 10);
        Assert.All(messages, m => Assert.InRange(m.Message.Leads.Count, 1, LeadRelay.PageSize));
    }

    [Fact]
    public async Task A_lead_is_normalised_before_it_is_recorded_and_its_raw_input_kept()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);
        var lead = Lead(" crm-norm ");
        lead["company"]!["country"] = "Germany";
        lead["company"]!["industry"] = "logistics";
        lead["company"]!["employeeCount"] = "51-200";
        lead["company"]!["annualRevenue"] = "10-20M";

        var leadId = await PostLead(api, lead);

        var recorded = Assert.Single(await SnapshotsOf(tenant, leadId));
        Assert.Equal("crm-norm", recorded.ExternalId);
        Assert.Equal(new Company("Acme Logistics GmbH", "acme-logistics.de", "Transportation and Warehousing", 125, 15_000_000, "DE"),
            recorded.Lead.Company);
        Assert.Equal("51-200", recorded.Raw.GetProperty("company").GetProperty("employeeCount").GetString());
        Assert.Equal("Germany", recorded.Raw.GetProperty("company").GetProperty("country").GetString());
        Assert.Equal(" crm-norm ", recorded.Raw.GetProperty("externalId").GetString());
    }

    [Fact]
    public async Task The_same_external_id_unchanged_is_one_snapshot_and_changed_is_snapshot_2()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);

        var first = await PostLead(api, Lead("crm-dup"));
        var again = await PostLead(api, Lead("crm-dup"));
        using (var batch = await PostBatch(api, [Lead(" crm-dup"), Lead("crm-dup ")]))
        {
            Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        }
        Assert.Equal(first, again);
        Assert.Equal([1], (await SnapshotsOf(tenant, first)).Select(s => s.Snapshot));

        var changed = Lead("crm-dup", department: "sales");
        Assert.Equal(first, await PostLead(api, changed));

        var snapshots = await SnapshotsOf(tenant, first);
        Assert.Equal([1, 2], snapshots.Select(s => s.Snapshot));
        Assert.Equal("sales", snapshots[1].Lead.Contact!.Department);
        await Eventually.Until(() => harness.Inbox.For(first).Count >= 2, "both snapshots relayed");
        Assert.Equal([1, 2], harness.Inbox.For(first).Select(m => m.Lead.Snapshot));
    }

    [Fact]
    public async Task A_lead_changed_within_one_batch_is_recorded_as_consecutive_snapshots()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);

        using var response = await PostBatch(api, [Lead("crm-twice"), Lead("crm-twice", department: "sales"), Lead("crm-twice", department: "sales")]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<LeadBatchAnswer>();
        Assert.Equal([0, 1, 2], answer!.Accepted.Select(a => a.Index));
        Assert.Single(answer.Accepted.Select(a => a.LeadId).Distinct());
        var snapshots = await SnapshotsOf(tenant, answer.Accepted[0].LeadId);
        Assert.Equal([("operations", 1), ("sales", 2)], snapshots.Select(s => (s.Lead.Contact!.Department, s.Snapshot)));
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_gets_the_first_answer_and_writes_nothing()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);
        var leads = Enumerable.Range(0, 20).Select(i => Lead($"crm-idem-{i}")).ToList();
        Broken[7].Break(leads[3]);
        var body = Batch(leads);

        using var first = await Send(api, "/api/leads/batch", body, "key-1");
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var streams = await StreamsOf(tenant);
        Assert.Equal(19, streams.Count);
        var events = await EventCount(tenant);

        // Retried by hand, and by five impatient clients at once.
        var retries = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Send(api, "/api/leads/batch", body, "key-1")));
        foreach (var retry in retries)
        {
            using (retry)
            {
                Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
                Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync());
                Assert.Equal("true", Assert.Single(retry.Headers.GetValues(Idempotency.ReplayedHeaderName)));
            }
        }
        Assert.Equal(events, await EventCount(tenant));

        // The same key with another request is refused; another tenant's key of the same name is its own.
        var changed = Batch(leads.Take(5).Select(l => l.DeepClone().AsObject()).ToList());
        using var misuse = await Send(api, "/api/leads/batch", changed, "key-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, misuse.StatusCode);
        Assert.Contains(Idempotency.HeaderName, await ErrorFields(misuse));
        using var single = await Send(api, "/api/leads", leads[0].ToJsonString(), "key-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, single.StatusCode);
        Assert.Equal(events, await EventCount(tenant));

        var otherTenant = Guid.NewGuid();
        using var otherApi = harness.ClientFor(otherTenant);
        using var other = await Send(otherApi, "/api/leads/batch", body, "key-1");
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        Assert.False(other.Headers.Contains(Idempotency.ReplayedHeaderName));
        Assert.Equal(19, (await StreamsOf(otherTenant)).Count);
    }

    [Fact]
    public async Task A_retried_single_lead_gets_the_same_answer_and_location()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);
        var body = Lead("crm-single-idem").ToJsonString();

        using var first = await Send(api, "/api/leads", body, "single-1");
        using var retry = await Send(api, "/api/leads", body, "single-1");

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Single(await StreamsOf(tenant));
    }

    [Fact]
    public async Task A_request_refused_as_a_whole_keeps_no_answer_so_the_key_can_be_reused()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);
        var bad = Lead("crm-fixed");
        Broken[7].Break(bad);

        using var refused = await Send(api, "/api/leads", bad.ToJsonString(), "fix-1");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var fixedUp = await Send(api, "/api/leads", Lead("crm-fixed").ToJsonString(), "fix-1");
        Assert.Equal(HttpStatusCode.Accepted, fixedUp.StatusCode);
    }

    [Fact]
    public async Task An_expired_idempotency_key_is_a_new_request()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);
        var key = "old-key";
        await using (var session = harness.Store.LightweightSession(tenant.ToString()))
        {
            session.Store(new IdempotentAnswer(Idempotency.DocumentId(tenant, key), key, "stale", 202, "{}", null,
                DateTimeOffset.UtcNow - Idempotency.Lifetime - TimeSpan.FromMinutes(1)));
            await session.SaveChangesAsync();
        }

        using var response = await Send(api, "/api/leads", Lead("crm-expired").ToJsonString(), key);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(await StreamsOf(tenant));
        await using var query = harness.Store.QuerySession(tenant.ToString());
        var stored = await query.LoadAsync<IdempotentAnswer>(Idempotency.DocumentId(tenant, key));
        Assert.Equal(await response.Content.ReadAsStringAsync(), stored!.Body);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    public async Task A_malformed_idempotency_key_is_a_400_naming_the_header(string? key)
    {
        key ??= new string('k', Idempotency.MaxKeyLength + 1);
        using var api = harness.ClientFor(Guid.NewGuid());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
        {
            Content = new StringContent(Lead("crm-key").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(Idempotency.HeaderName, key);

        using var response = await api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(Idempotency.HeaderName, await ErrorFields(response));
    }

    [Fact]
    public async Task Batches_over_the_limits_are_refused_and_write_nothing()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);

        using var tooMany = await PostBatch(api, [.. Enumerable.Range(0, 1001).Select(i => new JsonObject { ["externalId"] = $"x{i}" })]);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(["leads"], await ErrorFields(tooMany));

        using var empty = await PostBatch(api, []);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(["leads"], await ErrorFields(empty));

        var padded = Enumerable.Range(0, 10).Select(i =>
        {
            var lead = Lead($"crm-big-{i}");
            lead["attributes"] = new JsonObject { ["notes"] = new string('x', 60 * 1024) };
            return lead;
        }).ToList();
        using var tooLarge = await PostBatch(api, padded);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);

        using var noArray = await Send(api, "/api/leads/batch", """{"lead": []}""");
        Assert.Equal(["leads"], await ErrorFields(noArray));
        using var malformed = await Send(api, "/api/leads/batch", """{"leads": [""");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(["body"], await ErrorFields(malformed));

        Assert.Empty(await StreamsOf(tenant));
    }

    [Theory]
    [InlineData("""{"externalId": "x-1", "company": {}}""", "company.name")]
    [InlineData("""{"company": {"name": "Acme"}}""", "externalId")]
    [InlineData("""{"externalId": "x-1", "company": {"name": "Acme", "employeeCount": "many"}}""", "company.employeeCount")]
    [InlineData("""{"externalId": "x-1", "company": {"name": "Acme", "annualRevenue": true}}""", "company.annualRevenue")]
    [InlineData("""{"externalId": "x-1", "company": {"name": "Acme"}, "signals": "a"}""", "signals")]
    [InlineData("""{"externalId": "x-1", "company": {"name": "Acme \ud800"}}""", "company.name")]
    [InlineData("""{"externalId": "x-1", "company": {"name": "Acme"}, "attributes": {"note": "\ud800"}}""", "attributes.note")]
    [InlineData("""["x-1"]""", "body")]
    [InlineData("""{"externalId": "x-1", "company": """, "body")]
    public async Task A_bad_single_lead_is_a_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);

        using var response = await Send(api, "/api/leads", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, await ErrorFields(response));
        Assert.Empty(await StreamsOf(tenant));
    }

    [Theory]
    [InlineData("externalId")]
    [InlineData("attributes")]
    public async Task Bytes_that_are_not_utf8_are_a_400_naming_the_field(string field)
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);
        var json = field == "externalId"
            ? """{"externalId": "x-@", "company": {"name": "Acme"}}"""
            : """{"externalId": "x-1", "company": {"name": "Acme"}, "attributes": {"note": "@"}}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        bytes[Array.IndexOf(bytes, (byte)'@')] = 0xFF;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");

        using var response = await api.PostAsync("/api/leads", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // The request guard names the very member (attributes.note) before the binder sees the body.
        Assert.Contains(await ErrorFields(response), f => f == field || f.StartsWith(field + ".", StringComparison.Ordinal) || f == "body");
        Assert.Empty(await StreamsOf(tenant));
    }

    [Fact]
    public async Task Concurrent_batches_over_the_same_leads_each_apply_whole()
    {
        var tenant = Guid.NewGuid();
        using var api = harness.ClientFor(tenant);
        var ids = Enumerable.Range(0, 200).Select(i => $"crm-race-{i}").ToList();

        var responses = await Task.WhenAll(
            PostBatch(api, [.. ids.Select(id => Lead(id))]),
            PostBatch(api, [.. ids.Select(id => Lead(id, department: "sales"))]),
            PostBatch(api, [.. ids.Select(id => Lead(id, department: "sales"))]));

        foreach (var response in responses)
        {
            using (response) Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        // Each batch applied as a whole and in some order: every lead went through the same sequence.
        var histories = new List<string>();
        foreach (var id in ids)
        {
            var snapshots = await SnapshotsOf(tenant, DeterministicId.For(tenant.ToString(), id));
            Assert.Equal(Enumerable.Range(1, snapshots.Count), snapshots.Select(s => s.Snapshot));
            histories.Add(string.Join(",", snapshots.Select(s => s.Lead.Contact!.Department)));
        }
        Assert.Single(histories.Distinct());
        Assert.Contains(histories[0], new[] { "operations,sales", "sales,operations", "sales,operations,sales" });
    }

    [Fact]
    public async Task The_openapi_document_describes_both_routes()
    {
        using var api = harness.ClientFor(Guid.NewGuid());

        var document = await api.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var paths = document!["paths"]!.AsObject();
        Assert.NotNull(paths["/api/leads/batch"]?["post"]?["responses"]?["202"]);
        Assert.NotNull(paths["/api/leads/"]?["post"] ?? paths["/api/leads"]?["post"]);
    }

    private static JsonObject Lead(string externalId, string department = "operations") => JsonNode.Parse($$"""
        {
          "externalId": "{{externalId}}",
          "company": {"name": "Acme Logistics GmbH", "domain": "acme-logistics.de",
                      "industry": "Transportation and Warehousing", "employeeCount": 120, "country": "US"},
          "signals": ["funding_round"],
          "contact": {"title": "Head of Operations", "seniority": "director", "department": "{{department}}"}
        }
        """)!.AsObject();

    private static string Batch(IEnumerable<JsonObject> leads) =>
        new JsonObject { ["leads"] = new JsonArray([.. leads.Select(l => (JsonNode)l.DeepClone())]) }.ToJsonString();

    private static Task<HttpResponseMessage> PostBatch(HttpClient api, IEnumerable<JsonObject> leads) =>
        Send(api, "/api/leads/batch", Batch(leads));

    private static async Task<Guid> PostLead(HttpClient api, JsonObject lead)
    {
        using var response = await Send(api, "/api/leads", lead.ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<LeadAccepted>();
        Assert.Equal($"/api/leads/{accepted!.LeadId}", response.Headers.Location?.OriginalString);
        return accepted.LeadId;
    }

    private static async Task<HttpResponseMessage> Send(HttpClient api, string path, string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null) request.Headers.Add(Idempotency.HeaderName, idempotencyKey);
        return await api.SendAsync(request);
    }

    private static async Task<List<string>> ErrorFields(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        return [.. problem!["errors"]!.AsObject().Select(e => e.Key)];
    }

    private async Task<List<Guid>> StreamsOf(Guid tenant)
    {
        await using var session = harness.Store.QuerySession(tenant.ToString());
        var events = await session.Events.QueryAllRawEvents().ToListAsync();
        return [.. events.Select(e => e.StreamId).Distinct()];
    }

    private async Task<int> EventCount(Guid tenant)
    {
        await using var session = harness.Store.QuerySession(tenant.ToString());
        return await session.Events.QueryAllRawEvents().CountAsync();
    }

    private async Task<List<LeadSnapshotRecorded>> SnapshotsOf(Guid tenant, Guid leadId)
    {
        await using var session = harness.Store.QuerySession(tenant.ToString());
        var events = await session.Events.FetchStreamAsync(leadId);
        return [.. events.Select(e => (LeadSnapshotRecorded)e.Data)];
    }
}
