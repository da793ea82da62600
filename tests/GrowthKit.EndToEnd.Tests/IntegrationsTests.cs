using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// Webhooks and the CSV export through the gateway: a lead pushed and scored reaches the tenant's endpoint as a signed
/// <c>lead.scored</c>, and the export lists it with its score and tier. (The system allows private networks for tests,
/// so the endpoint can live on loopback.)
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class IntegrationsTests(GrowthKitApp system)
{
    [Fact]
    public async Task A_scored_lead_is_delivered_to_a_webhook_signed_and_appears_in_the_csv_export()
    {
        var received = new ConcurrentQueue<(IHeaderDictionary Headers, string Body)>();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var receiver = builder.Build();
        receiver.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            received.Enqueue((new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value)), await reader.ReadToEndAsync()));
            return Results.NoContent();
        });
        await receiver.StartAsync();
        var url = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";

        var tenant = await system.CreateTenantAsync();
        var api = tenant.Api;
        using var registered = await api.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "lead.scored" } });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var webhook = await registered.ReadObject();
        var secret = webhook["secret"]!.GetValue<string>();

        var icpId = await api.CreateIcp();
        await api.Publish(icpId);
        var leadId = await api.PushLead(Samples.Lead("hook-1"));

        var delivery = await Until(() => received.FirstOrDefault(r => r.Body.Contains(leadId.ToString(), StringComparison.Ordinal)),
            "lead.scored at the endpoint");
        new StandardWebhook(secret).Verify(delivery.Body, delivery.Headers);
        var body = JsonNode.Parse(delivery.Body)!;
        Assert.Equal(("lead.scored", "hook-1", 72.7m, "B"), (body["type"]!.GetValue<string>(), body["data"]!["externalId"]!.GetValue<string>(),
            body["data"]!["score"]!.GetValue<decimal>(), body["data"]!["tier"]!.GetValue<string>()));

        using var export = await api.GetAsync($"/api/leads/export?icpId={icpId}");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("leadId,externalId,", lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"{leadId},hook-1,", StringComparison.Ordinal) && l.Contains(",72.7,B,", StringComparison.Ordinal));

        var deliveries = await Until(async () =>
        {
            var log = (await api.GetFromJsonAsync<JsonObject>($"/api/webhooks/{webhook["webhookId"]}/deliveries"))!["items"]!.AsArray();
            return log.Count > 0 && log.All(d => d!["status"]!.GetValue<string>() == "delivered") ? log : null;
        }, "the delivery log");
        Assert.Equal(204, deliveries[0]!["attemptLog"]![0]!["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_csv_import_becomes_scored_leads_with_each_bad_row_named_and_the_export_lists_them()
    {
        var tenant = await system.CreateTenantAsync();
        var api = tenant.Api;
        var icpId = await api.CreateIcp();
        await api.Publish(icpId);

        const string csv = "externalId,company.name,company.industry,company.employeeCount,company.country,signals\n"
                           + "csv-1,Acme Logistics,Transportation and Warehousing,120,DE,funding_round\n"
                           + "csv-2,Bad Numbers GmbH,Retail Trade,many,DE,\n"
                           + "csv-3,Nordic Freight,Transportation and Warehousing,300,SE,funding_round;hiring\n";
        using var content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        using var started = await api.PostAsync("/api/leads/import", content);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var importId = (await started.ReadObject())["importId"]!.GetValue<string>();

        var import = await Until(async () =>
        {
            var view = (await api.GetFromJsonAsync<JsonObject>($"/api/imports/{importId}"))!;
            return view["status"]!.GetValue<string>() is "finished" or "failed" ? view : null;
        }, "the import to finish");
        Assert.Equal(("finished", 3, 2), (import["status"]!.GetValue<string>(), import["rows"]!.GetValue<int>(), import["accepted"]!.GetValue<int>()));
        // Row numbers as in the file: the header is row 1, so the bad line is row 3.
        var rejected = Assert.Single(import["rejected"]!.AsArray());
        Assert.Equal(3, rejected!["row"]!.GetValue<int>());

        var scored = await Until(async () =>
        {
            // Scoring answers 404 until it has recorded the published version: not yet, so ask again.
            using var response = await api.GetAsync($"/api/leads/export?icpId={icpId}");
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            response.EnsureSuccessStatusCode();
            var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return lines.Count(l => l.Contains(",csv-", StringComparison.Ordinal)) == 2 ? lines : null;
        }, "both imported leads in the export");
        Assert.DoesNotContain(scored, l => l.Contains("csv-2", StringComparison.Ordinal));
    }

    private static Task<T> Until<T>(Func<T?> probe, string what) => Until(() => Task.FromResult(probe()), what);

    private static async Task<T> Until<T>(Func<Task<T?>> probe, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (await probe() is { } found && !EqualityComparer<T>.Default.Equals(found, default)) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited 60 s for {what}.");
            await Task.Delay(200);
        }
    }
}
