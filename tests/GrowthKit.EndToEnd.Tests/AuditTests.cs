using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Audit;
using Xunit.Abstractions;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// The auditor's round trip through the whole system: a tenant with several ICP versions and
/// thousands of scores verifies in place, exports, and replays offline with the command-line tool.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class AuditTests(GrowthKitApp system, ITestOutputHelper output)
{
    private const int LeadCount = 1000;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task An_export_of_three_versions_and_three_thousand_scores_replays_offline_and_catches_a_changed_line()
    {
        var tenant = await system.CreateTenantAsync();
        var api = tenant.Api;
        var (icpId, betweenV2AndV3) = await api.PublishThreeVersionsAsync(Leads(), Patience);

        var clock = Stopwatch.StartNew();
        var verified = (await api.GetFromJsonAsync<JsonObject>("/api/audit/verify"))!;
        output.WriteLine($"verify: {verified["events"]} chained events in {clock.ElapsedMilliseconds} ms");
        Assert.True(verified["ok"]!.GetValue<bool>(), verified.ToJsonString());
        Assert.Null(verified["firstBroken"]);

        var file = Path.Combine(Path.GetTempPath(), $"growthkit-audit-{Guid.NewGuid():N}.ndjson");
        try
        {
            clock.Restart();
            using (var export = await api.GetAsync("/api/audit/export", HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.OK, export.StatusCode);
                Assert.Equal("application/x-ndjson", export.Content.Headers.ContentType!.MediaType);
                await using var target = File.Create(file);
                await export.Content.CopyToAsync(target);
            }

            output.WriteLine($"export: {new FileInfo(file).Length} bytes in {clock.ElapsedMilliseconds} ms");
            clock.Restart();
            var read = ExportFile.Read(file);
            Assert.Equal(verified["events"]!.GetValue<long>(), read.Events.Count);
            var wellKnown = (await system.Gateway.GetFromJsonAsync<JsonObject>("/.well-known/growthkit-audit-key"))!;
            Assert.Equal(wellKnown["publicKey"]!.GetValue<string>(), read.Header.PublicKey);

            Assert.Equal(AuditTool.Pass, Tool("verify", file, "--public-key", read.Header.PublicKey));
            output.WriteLine($"offline read + verify: {clock.ElapsedMilliseconds} ms");
            clock.Restart();
            var recomputed = ScoreRecomputation.Check(read);
            output.WriteLine($"offline recompute of {recomputed.Scores} scores: {clock.ElapsedMilliseconds} ms");
            Assert.Equal((3 * LeadCount, 0), (recomputed.Scores, recomputed.Mismatches.Count));
            Assert.Equal(AuditTool.Pass, Tool("scores", file));
            var asOf = IcpReplay.At(read, icpId, betweenV2AndV3)!;
            Assert.Equal((2, 4L), (asOf.Published!.Version, asOf.Revision));
            Assert.Equal(AuditTool.Pass, Tool("icp", file, "--icp", icpId.ToString(), "--as-of", betweenV2AndV3.ToString("O")));

            // One score changed in the file: the chain no longer holds, and the score no longer follows.
            var lines = await File.ReadAllLinesAsync(file);
            var scored = Array.FindIndex(lines, l => l.Contains("\"type\":\"leads_scored\""));
            var tampered = lines.ToArray();
            tampered[scored] = ReplaceFirstScore(lines[scored]);
            await File.WriteAllLinesAsync(file, tampered);
            Assert.Equal(AuditTool.Fail, Tool("verify", file));
            Assert.Equal(AuditTool.Fail, Tool("scores", file));

            Assert.Equal(AuditTool.Usage, Tool("verify"));
            Assert.Equal(AuditTool.Usage, Tool("icp", file, "--icp", "not-a-guid", "--as-of", "2026-05-01T00:00:00Z"));
            Assert.Equal(AuditTool.Usage, Tool("verify", file + ".missing"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_audit_key_reads_audit_and_history_and_nothing_else()
    {
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        using var issued = await system.AdminClient().PostAsJsonAsync($"/admin/tenants/{tenant.TenantId}/api-keys",
            new { name = "auditor", scopes = new[] { "audit:read" } });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = await issued.ReadObject();
        Assert.Equal(["audit:read"], body["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        var auditor = system.ClientWithKey(body["apiKey"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/audit/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/icps/{icpId}/history")).StatusCode);

        using var write = await auditor.PostAsJsonAsync("/api/leads", Samples.Lead("audit-scope"));
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("leads:write", (await write.ReadObject())["scope"]!.GetValue<string>());
        using var read = await auditor.GetAsync($"/api/icps/{icpId}");
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);

        // A key without scopes (the tenant's first) keeps full access, audit included.
        Assert.Equal(HttpStatusCode.OK, (await tenant.Api.GetAsync("/api/audit/verify")).StatusCode);
    }

    private static int Tool(params string[] args) => AuditTool.Run(args, TextWriter.Null, TextWriter.Null);

    private static string ReplaceFirstScore(string line)
    {
        var node = JsonNode.Parse(line)!;
        var score = node["data"]!["scores"]![0]!;
        score["score"] = score["score"]!.GetValue<decimal>() + 1;
        return node.ToJsonString();
    }

    private static List<JsonObject> Leads() => Enumerable.Range(0, LeadCount).Select(i => (i % 3) switch
    {
        0 => Samples.Lead($"audit-{i}"),
        1 => Samples.Lead($"audit-{i}", department: "sales"),
        _ => Samples.Lead($"audit-{i}", employees: 5 + i % 400),
    }).ToList();

}
