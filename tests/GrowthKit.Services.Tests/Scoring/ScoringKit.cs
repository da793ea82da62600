using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;
using MassTransit;
using Npgsql;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>Messages into the scoring service and what it answers and wrote, for the scoring tests.</summary>
internal static class ScoringKit
{
    /// <summary>
    /// Leads whose scores against <see cref="Samples.Definition"/> are known (P = 100, N = 10):
    /// 0 → industry, size, trigger, DE, pain: 100 A; 1 → industry, size, trigger, DE: 90.9 A;
    /// 2 → industry, size, trigger: 72.7 B; 3 → the same in sales: 63.6 B; 4 → industry only: 36.4 C;
    /// 5 → nothing: 9.1 D; 6 → too small: 0, disqualified.
    /// </summary>
    public static readonly (decimal Score, string Tier)[] Expected =
        [(100m, "A"), (90.9m, "A"), (72.7m, "B"), (63.6m, "B"), (36.4m, "C"), (9.1m, "D"), (0m, "disqualified")];

    public static Lead Variant(string externalId, int variant) => LeadNormalizer.Normalize(variant switch
    {
        0 => new Lead(externalId, new Company("Acme Logistics GmbH", null, "Transportation and Warehousing", 120, null, "DE"),
            ["funding_round"], ["manual_dispatch"], new Contact(null, null, "operations"), null),
        1 => new Lead(externalId, new Company("Acme Logistics GmbH", null, "Transportation and Warehousing", 120, null, "DE"),
            ["funding_round"], null, new Contact(null, null, "operations"), null),
        2 => Samples.IndustrySizeTriggerLead(externalId),
        3 => Samples.IndustrySizeTriggerSalesLead(externalId),
        4 => new Lead(externalId, new Company("Acme Logistics GmbH", null, "Transportation and Warehousing", 20, null, "US"),
            null, null, new Contact(null, null, "operations"), null),
        5 => new Lead(externalId, new Company("Bakery", null, "Retail Trade", 20, null, "US"), null, null, null, null),
        6 => new Lead(externalId, new Company("Tiny Logistics", null, "Transportation and Warehousing", 5, null, "DE"),
            ["funding_round"], null, null, null),
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    });

    public static LeadReceived Received(Guid tenant, Lead lead, int snapshot = 1) =>
        new(tenant, DeterministicId.For(tenant.ToString(), lead.ExternalId!), lead.ExternalId!, snapshot,
            LeadJson.ToElement(lead), Samples.Raw(lead), DateTimeOffset.UtcNow);

    public static LeadsReceived Batch(Guid tenant, params LeadReceived[] leads) => new(tenant, leads);

    /// <summary><paramref name="count"/> leads cycling through the variants (lead i is variant i % 7).</summary>
    public static List<LeadReceived> ManyLeads(Guid tenant, int count, string prefix = "crm") =>
        [.. Enumerable.Range(0, count).Select(i => Received(tenant, Variant($"{prefix}-{i}", i % Expected.Length)))];

    public static IcpVersionPublished Published(Guid tenant, Guid icpId, int version, IcpDefinition? definition = null) =>
        new(tenant, icpId, version, JsonSerializer.SerializeToElement(definition ?? Samples.Definition(), ModelJson.Options),
            "alice", $"version {version}", DateTimeOffset.UtcNow);

    public static async Task<Guid> PublishAsync<T>(this ScoringService scoring, T message, Guid? messageId = null) where T : class
    {
        var id = messageId ?? NewId.NextGuid();
        await scoring.Bus.Publish(message, ctx => ctx.MessageId = id);
        return id;
    }

    public static async Task PublishAndWaitAsync<T>(this ScoringService scoring, T message) where T : class =>
        await scoring.Watch.WaitForConsumedAsync(await scoring.PublishAsync(message));

    /// <summary>Publishes the leads in batches of <paramref name="batchSize"/> and waits until all were consumed.</summary>
    public static async Task PushAsync(this ScoringService scoring, Guid tenant, IReadOnlyList<LeadReceived> leads, int batchSize = 500)
    {
        var ids = new List<Guid>();
        foreach (var chunk in leads.Chunk(batchSize)) ids.Add(await scoring.PublishAsync(Batch(tenant, chunk)));
        foreach (var id in ids) await scoring.Watch.WaitForConsumedAsync(id);
    }

    /// <summary>GET /api/leads/{leadId}, or null on 404.</summary>
    public static async Task<JsonObject?> LeadAsync(this ScoringService scoring, Guid tenant, Guid leadId)
    {
        using var client = scoring.ClientFor(tenant);
        using var response = await client.GetAsync($"/api/leads/{leadId}");
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Every score of the lead from GET /api/leads/{leadId}/scores, following the cursor.</summary>
    public static async Task<List<JsonObject>> ScoresAsync(this ScoringService scoring, Guid tenant, Guid leadId)
    {
        using var client = scoring.ClientFor(tenant);
        var scores = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = (await client.GetFromJsonAsync<JsonObject>(
                $"/api/leads/{leadId}/scores?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}"))!;
            scores.AddRange(page["items"]!.AsArray().Select(s => s!.AsObject()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        return scores;
    }

    public static async Task<JsonObject> WaitForRescoringAsync(this ScoringService scoring, Guid tenant, Guid icpId, int version,
        TimeSpan? timeout = null)
    {
        using var client = scoring.ClientFor(tenant);
        return (await Eventually.Until(async () =>
        {
            using var response = await client.GetAsync($"/api/icps/{icpId}/versions/{version}/rescoring");
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
        }, p => p?["finishedAt"] is not null, $"re-scoring of {icpId} v{version} finished", timeout))!;
    }

    /// <summary>Rows of the score index for the version, and the distinct (lead, snapshot) among them.</summary>
    public static async Task<(long Rows, long Distinct)> IndexedScoresAsync(this ScoringService scoring, Guid tenant, Guid icpId, int version)
    {
        await using var connection = await scoring.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("""
            select count(*), count(distinct (lead_id, snapshot)) from scoring.lead_scores
            where tenant_id = $1 and icp_id = $2 and icp_version = $3
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = icpId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The ledger's own entries for the version (the events, not the index), per (lead, snapshot).</summary>
    public static async Task<IReadOnlyList<ScoreEntry>> LedgerEntriesAsync(this ScoringService scoring, Guid tenant, Guid icpId, int version)
    {
        await using var session = scoring.Store.QuerySession(tenant.ToString());
        var events = await session.Events.QueryRawEventDataOnly<LeadsScored>().ToListAsync();
        return [.. events.SelectMany(e => e.Scores).Where(s => s.IcpId == icpId && s.IcpVersion == version)];
    }
}
