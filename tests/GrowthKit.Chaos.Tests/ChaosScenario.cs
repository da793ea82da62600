using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Xunit.Abstractions;

namespace GrowthKit.Chaos.Tests;

/// <summary>What a fault sees of its scenario: the system, the stream's progress and its clock.</summary>
public sealed class FaultContext(DistributedApplication app, LeadStream stream, Stopwatch clock)
{
    private readonly List<string> _notes = [];

    public DistributedApplication App { get; } = app;
    public LeadStream Stream { get; } = stream;
    public TimeSpan? FaultEndedAt { get; private set; }
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Waits until <paramref name="sinceStart"/> after the stream began.</summary>
    public async Task AtAsync(TimeSpan sinceStart, CancellationToken ct)
    {
        var wait = sinceStart - clock.Elapsed;
        if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
    }

    public TimeSpan Now => clock.Elapsed;
    public void FaultEnded() => FaultEndedAt = clock.Elapsed;
    public void Note(string note) => _notes.Add(note);
}

/// <summary>
/// One fault against the running system: a new tenant publishes API.md's ICP (v1), leads stream in
/// from several senders, a changed v2 is published (which re-scores the tenant) shortly before the
/// fault, the fault runs, and then the stores must show every accepted lead scored for v2, no ledger
/// entry twice, no lead stored that was not accepted, and nothing left in an <c>_error</c> queue.
/// </summary>
public sealed class ChaosScenario(GrowthKitApp system, ChaosSettings settings, ITestOutputHelper output)
{
    private const int LatestVersion = 2;
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(120);

    public async Task RunAsync(string fault, TimeSpan streamDuration, TimeSpan publishAt,
        Func<FaultContext, CancellationToken, Task> inject)
    {
        using var cts = new CancellationTokenSource(streamDuration + settings.RecoveryTimeout + TimeSpan.FromMinutes(5));
        var ct = cts.Token;
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        await tenant.Api.Publish(icpId);
        await using var database = NpgsqlDataSource.Create(
            await system.App.GetConnectionStringAsync("growthkit", ct)
            ?? throw new InvalidOperationException("No connection string for the database."));
        var ledger = new ScoringLedger(database, tenant.TenantId);

        // The _error queues are shared by every tenant and scenario: count what this fault adds to them.
        var errorsBefore = await BrokerQueues.ErrorsAsync(system.App, ct);
        // External ids and Idempotency-Keys: printable ASCII only (a header refuses anything else).
        var prefix = new string([.. fault.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]) + "-" + Guid.NewGuid().ToString("N")[..6];
        var stream = new LeadStream(tenant.Api, prefix, settings.LeadsPerScenario, settings.BatchSize, settings.Senders, streamDuration);
        var clock = Stopwatch.StartNew();
        var context = new FaultContext(system.App, stream, clock);
        var streaming = stream.RunAsync(ct);
        var publishing = PublishChangedVersionAsync(tenant.Api, icpId, context, publishAt, ct);

        try
        {
            await inject(context, ct);
        }
        finally
        {
            // Whatever the fault did, the next scenario needs the whole system.
            await EnsureWholeAsync(ct);
        }
        context.FaultEnded();
        await streaming;
        await publishing;

        // Every accepted lead scored for v2; a stall (no progress for two minutes) ends the wait early.
        TimeSpan? recovery = null;
        var scored = -1;
        var lastProgress = clock.Elapsed;
        var deadline = clock.Elapsed + settings.RecoveryTimeout;
        while (clock.Elapsed < deadline && clock.Elapsed - lastProgress < Stall)
        {
            var now = await CountOrNullAsync(ledger, ct);
            if (now >= stream.AcceptedCount)
            {
                recovery = clock.Elapsed - context.FaultEndedAt!.Value;
                break;
            }
            if (now > scored) (scored, lastProgress) = (now.Value, clock.Elapsed);
            await Task.Delay(500, ct);
        }
        // Time for a late redelivery to (not) add a second entry before the ledger is read.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);

        var check = await ledger.CheckAsync(stream.Accepted, LatestVersion, ct);
        var errorsAfter = await BrokerQueues.ErrorsAsync(system.App, ct);
        var errors = errorsAfter
            .Select(q => (q.Key, Added: q.Value - errorsBefore.GetValueOrDefault(q.Key)))
            .Where(q => q.Added > 0)
            .ToDictionary(q => q.Key, q => q.Added);
        var notes = context.Notes.ToList();
        if (errors.Count > 0) notes.Add("new in error queues: " + string.Join(", ", errors.Select(e => $"{e.Key} +{e.Value}")));
        if (errorsBefore.Count > 0) notes.Add("already in error queues before: " + string.Join(", ", errorsBefore.Select(e => $"{e.Key}={e.Value}")));
        notes.AddRange(stream.Problems.Take(5));
        var outcome = new FaultOutcome(fault, stream.Sent, stream.AcceptedCount, check, stream.ReplayedAfterServerError,
            errors.Values.Sum(), recovery, clock.Elapsed, stream.Answers.ToDictionary(), notes);
        output.WriteLine(ChaosReport.Add(outcome, settings.ReportPath));

        Assert.Empty(stream.Problems);
        Assert.Equal(stream.Sent, stream.AcceptedCount);
        Assert.Equal(0, check.Duplicates);
        Assert.Equal(0, check.Strangers);
        Assert.Equal(0, stream.ReplayedAfterServerError);
        Assert.Empty(errors);
        Assert.Equal(0, check.Unscored);
        Assert.NotNull(recovery);
    }

    private static async Task<int?> CountOrNullAsync(ScoringLedger ledger, CancellationToken ct)
    {
        try { return await ledger.CountScoredAsync(LatestVersion, ct); }
        catch (NpgsqlException) { return null; }
    }

    /// <summary>The resources every scenario starts from: infrastructure and every project, healthy.</summary>
    private async Task EnsureWholeAsync(CancellationToken ct)
    {
        foreach (var resource in new[] { "postgres", "rabbitmq", "icp", "leads", "scoring", "refinement", "integrations", "gateway", "web" }
                     .SelectMany(name => ResourceProcesses.Instances(system.App, name)))
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(TimeSpan.FromMinutes(3));
            await ResourceProcesses.EnsureRunningAsync(system.App, resource, bounded.Token);
        }
    }

    /// <summary>
    /// Changes the draft (pain weighs 15 instead of 10) and publishes it as v2, retrying through the
    /// fault until the ICP lists version 2: a lost answer to the PUT or the publish is found out by
    /// reading the draft and the versions again rather than repeated blindly.
    /// </summary>
    private static async Task PublishChangedVersionAsync(HttpClient api, Guid icpId, FaultContext context, TimeSpan at,
        CancellationToken ct)
    {
        await context.AtAsync(at, ct);
        var started = context.Now;
        var attempts = 0;
        while (true)
        {
            attempts++;
            try
            {
                if (await HasVersionAsync(api, icpId, LatestVersion, ct)) break;
                using var current = await api.GetAsync($"/api/icps/{icpId}", ct);
                if (current.StatusCode == HttpStatusCode.OK)
                {
                    var etag = current.Headers.ETag?.Tag;
                    var draft = (await current.Content.ReadFromJsonAsync<JsonObject>(ct))!["draft"]!.AsObject();
                    var pain = draft["criteria"]!.AsArray().Single(c => c!["key"]!.GetValue<string>() == "pain")!;
                    var changed = pain["weight"]!.GetValue<decimal>() == 15;
                    if (!changed && etag is not null)
                    {
                        pain["weight"] = 15;
                        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/icps/{icpId}")
                        {
                            Content = JsonContent.Create(new { reason = "Pain matters more", definition = draft.DeepClone() }),
                        };
                        put.Headers.TryAddWithoutValidation("If-Match", etag);
                        using var edited = await api.SendAsync(put, ct);
                        changed = edited.IsSuccessStatusCode;
                    }
                    if (changed)
                    {
                        using var published = await api.PostAsJsonAsync($"/api/icps/{icpId}/publish", new { reason = "second version" }, ct);
                        if (published.IsSuccessStatusCode) break;
                    }
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or OperationCanceledException)
            {
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        context.Note($"v2 published {started.TotalSeconds:F0} s into the stream, after {attempts} attempt(s) taking {(context.Now - started).TotalSeconds:F1} s");
    }

    private static async Task<bool> HasVersionAsync(HttpClient api, Guid icpId, int version, CancellationToken ct)
    {
        using var response = await api.GetAsync($"/api/icps/{icpId}/versions", ct);
        if (!response.IsSuccessStatusCode) return false;
        var body = await response.Content.ReadFromJsonAsync<JsonNode>(ct);
        var items = body is JsonArray array ? array : body?["items"]?.AsArray();
        return items?.Any(v => v?["version"]?.GetValue<int>() == version) ?? false;
    }
}
