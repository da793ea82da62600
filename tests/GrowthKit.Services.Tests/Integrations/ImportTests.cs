using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Services.Tests.Infrastructure;
using MassTransit;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>
/// Stand-ins for the leads and refinement services' answers to <see cref="ReceiveLeads"/> and <see cref="RecordDeals"/>
/// (their real consumers are tested with those services): an item without a company name, or a deal of an
/// unknown lead, is refused; every request is kept.
/// </summary>
public sealed class ReceiverStandIn
{
    public ConcurrentQueue<ReceiveLeads> LeadRequests { get; } = new();
    public ConcurrentQueue<RecordDeals> DealRequests { get; } = new();

    /// <summary>When set, requests are not answered (a receiver that is down).</summary>
    public volatile bool Silent;

    public async Task<HostReceiveEndpointHandle> ConnectAsync(IBus bus)
    {
        var handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, e =>
        {
            e.Handler<ReceiveLeads>(async context =>
            {
                if (Silent) return;
                var request = context.Message;
                LeadRequests.Enqueue(request);
                var accepted = new List<TakenLead>();
                var rejected = new List<RejectedItem>();
                for (var i = 0; i < request.Leads.Count; i++)
                {
                    var lead = request.Leads[i];
                    if (lead.TryGetProperty("company", out var company) && company.TryGetProperty("name", out _))
                        accepted.Add(new TakenLead(i, Guid.NewGuid(), lead.GetProperty("externalId").GetString()!));
                    else
                        rejected.Add(new RejectedItem(i, new Dictionary<string, string[]> { ["company.name"] = ["'name' is required."] }));
                }
                await context.RespondAsync(new LeadsTaken(request.TenantId, request.RequestId, accepted, rejected));
            });
            e.Handler<RecordDeals>(async context =>
            {
                if (Silent) return;
                var request = context.Message;
                DealRequests.Enqueue(request);
                var accepted = new List<TakenDeal>();
                var rejected = new List<RejectedItem>();
                for (var i = 0; i < request.Deals.Count; i++)
                {
                    var deal = request.Deals[i];
                    if (deal.TryGetProperty("externalId", out var externalId) && externalId.GetString()!.StartsWith("known", StringComparison.Ordinal))
                        accepted.Add(new TakenDeal(i, deal.GetProperty("dealId").GetString()!));
                    else
                        rejected.Add(new RejectedItem(i, new Dictionary<string, string[]> { ["externalId"] = ["No lead has this externalId."] }));
                }
                await context.RespondAsync(new DealsTaken(request.TenantId, request.RequestId, accepted, rejected));
            });
        });
        await handle.Ready;
        return handle;
    }
}

[Collection(ServersCollection.Name)]
public sealed class ImportTests(TestServers servers, IntegrationsService integrations) : IClassFixture<IntegrationsService>, IAsyncLifetime
{
    private readonly ReceiverStandIn _receiver = new();
    private HostReceiveEndpointHandle? _handle;

    public async Task InitializeAsync()
    {
        await integrations.StartAsync(servers);
        _handle = await _receiver.ConnectAsync(integrations.Bus);
    }

    public async Task DisposeAsync()
    {
        if (_handle is not null) await _handle.StopAsync();
    }

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private static async Task<Guid> StartImportAsync(HttpClient api, string route, string csv)
    {
        using var response = await api.PostAsync(route, Csv(csv));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["importId"]!.GetValue<Guid>();
    }

    private static Task<JsonObject> FinishedAsync(HttpClient api, Guid importId) =>
        Eventually.Until(async () => (await api.GetFromJsonAsync<JsonObject>($"/api/imports/{importId}"))!,
            s => s["status"]!.GetValue<string>() == "finished", $"import {importId} finished");

    [Fact]
    public async Task A_lead_import_accepts_the_good_rows_and_names_each_bad_row_with_its_errors()
    {
        var tenant = Guid.NewGuid();
        using var api = integrations.ClientFor(tenant);
        var importId = await StartImportAsync(api, "/api/leads/import", """
            externalId,company.name,company.industry,company.employeeCount,signals
            crm-1,Acme Logistics,Transportation and Warehousing,120,funding_round;hiring
            crm-2,,Retail Trade,20,
            crm-3,Beta,Retail Trade,lots,
            crm-4,Gamma
            crm-5,Delta,Wholesale Trade,80,funding_round
            """);

        var status = await FinishedAsync(api, importId);
        Assert.Equal((5, 2), (status["rows"]!.GetValue<int>(), status["accepted"]!.GetValue<int>()));
        var rejected = status["rejected"]!.AsArray();
        Assert.Equal([3, 4, 5], rejected.Select(r => r!["row"]!.GetValue<int>()));
        Assert.Equal("company.name", Assert.Single(rejected[0]!["errors"]!.AsObject()).Key);
        Assert.Equal("company.employeeCount", Assert.Single(rejected[1]!["errors"]!.AsObject()).Key);
        Assert.Equal("row", Assert.Single(rejected[2]!["errors"]!.AsObject()).Key);

        // What the leads service got: the public JSON shape, only the rows that parsed, named by the import.
        var sent = _receiver.LeadRequests.Where(r => r.TenantId == tenant).SelectMany(r => r.Leads).ToList();
        Assert.Equal(["crm-1", "crm-2", "crm-5"], sent.Select(l => l.GetProperty("externalId").GetString()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"externalId":"crm-1","company":{"name":"Acme Logistics","industry":"Transportation and Warehousing","employeeCount":120},
             "signals":["funding_round","hiring"]}
            """), JsonNode.Parse(sent[0].GetRawText())));
        Assert.All(_receiver.LeadRequests.Where(r => r.TenantId == tenant), r => Assert.Equal(("csv", "alice"), (r.Source, r.By)));

        // Another tenant does not see it.
        using var other = integrations.ClientFor(Guid.NewGuid());
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/imports/{importId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/imports/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_large_import_goes_in_requests_of_at_most_a_thousand_and_resumes_after_a_restart_without_sending_a_chunk_twice()
    {
        var tenant = Guid.NewGuid();
        var csv = new StringBuilder("externalId,company.name,company.employeeCount\n");
        for (var i = 0; i < 2500; i++) csv.Append(CultureInfoFree($"big-{i},Company {i},{i % 500}\n"));

        // The receiver is down: the first chunk gets no answer until the service was restarted.
        _receiver.Silent = true;
        using (var api = integrations.ClientFor(tenant))
        {
            var importId = await StartImportAsync(api, "/api/leads/import", csv.ToString());
            var queued = (await api.GetFromJsonAsync<JsonObject>($"/api/imports/{importId}"))!;
            Assert.Equal((2500, 0), (queued["rows"]!.GetValue<int>(), queued["accepted"]!.GetValue<int>()));
            await integrations.RestartAsync();
            _handle = await _receiver.ConnectAsync(integrations.Bus);
            _receiver.Silent = false;

            using var restarted = integrations.ClientFor(tenant);
            var status = await Eventually.Until(async () => (await restarted.GetFromJsonAsync<JsonObject>($"/api/imports/{importId}"))!,
                s => s["status"]!.GetValue<string>() == "finished", "the import finished after the restart", TimeSpan.FromSeconds(60));
            Assert.Equal((2500, 2500), (status["rows"]!.GetValue<int>(), status["accepted"]!.GetValue<int>()));
            Assert.Empty(status["rejected"]!.AsArray());
        }
        var requests = _receiver.LeadRequests.Where(r => r.TenantId == tenant).ToList();
        Assert.All(requests, r => Assert.InRange(r.Leads.Count, 1, 1000));
        // A chunk may be answered twice only if it was sent again; each was recorded once.
        var externalIds = requests.DistinctBy(r => r.RequestId).SelectMany(r => r.Leads).Select(l => l.GetProperty("externalId").GetString()).ToList();
        Assert.Equal(2500, externalIds.Count);
        Assert.Equal(2500, externalIds.Distinct().Count());
    }

    private static string CultureInfoFree(FormattableString s) => FormattableString.Invariant(s);

    [Fact]
    public async Task A_deal_import_reports_deals_of_unknown_leads_by_row()
    {
        var tenant = Guid.NewGuid();
        using var api = integrations.ClientFor(tenant);
        var importId = await StartImportAsync(api, "/api/deals/import",
            "dealId,externalId,outcome,amount,closedAt,reason\n"
            + "d-1,known-1,won,12000,2026-11-02T00:00:00Z,\n"
            + "d-2,stranger,lost,500,,price\n"
            + "d-3,known-2,lost,not-a-number,,\n");
        var status = await FinishedAsync(api, importId);
        Assert.Equal((3, 1), (status["rows"]!.GetValue<int>(), status["accepted"]!.GetValue<int>()));
        Assert.Equal([(3, "externalId"), (4, "amount")], status["rejected"]!.AsArray()
            .Select(r => (r!["row"]!.GetValue<int>(), r["errors"]!.AsObject().Single().Key)));
        var deal = _receiver.DealRequests.Where(r => r.TenantId == tenant).SelectMany(r => r.Deals).First();
        Assert.Equal(12000m, deal.GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task Wrong_content_type_unknown_columns_and_too_many_rows_are_problems()
    {
        using var api = integrations.ClientFor(Guid.NewGuid());
        using var json = await api.PostAsync("/api/leads/import", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType?.MediaType);

        using var unknown = await api.PostAsync("/api/leads/import", Csv("externalId,company.naem\nx,y\n"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("company.naem"));

        var tooMany = new StringBuilder("externalId,company.name\n");
        for (var i = 0; i <= 100_000; i++) tooMany.Append("x,y\n");
        using var large = await api.PostAsync("/api/leads/import", Csv(tooMany.ToString()));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal("application/problem+json", large.Content.Headers.ContentType?.MediaType);

        using var garbage = await api.PostAsync("/api/leads/import", new ByteArrayContent([0xff, 0xfe, 0x00, 0x22, 0x0a, 0x22])
            { Headers = { ContentType = new("text/csv") } });
        Assert.True(garbage.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity,
            $"{garbage.StatusCode}");
    }
}
