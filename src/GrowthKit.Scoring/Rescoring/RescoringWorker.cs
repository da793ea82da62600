using System.Diagnostics;
using GrowthKit.Platform.Persistence.Resilience;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Scoring.Scores;
using GrowthKit.Scoring.Storage;
using Marten;
using Microsoft.Extensions.Options;

namespace GrowthKit.Scoring.Rescoring;

public sealed class RescoringOptions
{
    public const string Section = "Scoring:Rescoring";

    /// <summary>Leads per page; each page is one transaction and one ledger event.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Lead id ranges a re-scoring is split into, each with its own checkpoint.</summary>
    public int Parts { get; set; } = 4;

    /// <summary>Parts worked at once by one instance: one part scores while another writes; more only contend for the same cores and database.</summary>
    public int Parallelism { get; set; } = 2;

    /// <summary>How often unfinished re-scorings are looked for without a wake-up (another instance's, or after a restart).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>Wakes the worker when a version was recorded in this process, so it need not wait for its poll.</summary>
public sealed class RescoringSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}

/// <summary>
/// Re-scores every lead of a tenant against a newly published version. The leads are split by id
/// into parts (<see cref="RescoringParts"/>), worked side by side, each a page of leads (by id) per
/// transaction: the page's scores, its ledger event and the part's checkpoint (the last lead id
/// done) commit together, so a restart resumes after the last committed page and never scores a
/// lead twice. A part's row is locked for the page (<c>for update skip locked</c>), so any number of
/// instances share the work without doing any of it twice; a lead scored meanwhile on arrival is
/// skipped, and a race with one (its key written first) makes the page start over.
/// </summary>
public sealed class RescoringWorker(
    ScoringDatabase database, IDocumentStore store, TimeProvider clock, RescoringSignal signal,
    IOptions<RescoringOptions> options, ILogger<RescoringWorker> logger) : BackgroundService
{
    private enum PageOutcome { Continued, Finished, Busy }

    private readonly RescoringOptions _options = options.Value;

    /// <summary>A part that fails this many rounds in a row is ended with its reason instead of retried forever.</summary>
    public const int MaxPartFailures = 3;
    private static readonly TimeSpan AnalyzeEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan OutageBackoff = TimeSpan.FromSeconds(3);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<RescoringPart, int> _failures = new();
    private DateTimeOffset _analyzedAt = DateTimeOffset.MinValue;

    /// <summary>
    /// Rounds of one page per unfinished part, every tenant's parts side by side: a large re-scoring
    /// never starves a small one, and a part that fails is retried on the next round while the others
    /// go on — after <see cref="MaxPartFailures"/> failed rounds it is ended with its reason. During a
    /// PostgreSQL outage the worker waits; checkpoints make it resume where it was.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var progressed = 0;
                var unfinished = await UnfinishedAsync(stoppingToken);
                if (unfinished.Count > 0 && clock.GetUtcNow() - _analyzedAt > AnalyzeEvery)
                {
                    await using var connection = await database.OpenAsync(stoppingToken);
                    await ScoringTables.AnalyzeAsync(connection, stoppingToken);
                    _analyzedAt = clock.GetUtcNow();
                }
                await Parallel.ForEachAsync(unfinished,
                    new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = stoppingToken },
                    async (part, ct) =>
                    {
                        if (await StepAsync(part, ct)) Interlocked.Exchange(ref progressed, 1);
                    });
                if (progressed == 0) await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (Failures.IsOutage(e)) logger.LogWarning("PostgreSQL does not answer; re-scoring waits and resumes from its checkpoints");
                else logger.LogError(e, "Re-scoring failed; it resumes from its checkpoints");
                try
                {
                    await Task.Delay(Failures.IsOutage(e) ? OutageBackoff : TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One page of the part; true when work was done. Failures other than outages stay with the part.</summary>
    private async Task<bool> StepAsync(RescoringPart part, CancellationToken ct)
    {
        try
        {
            var outcome = await ConflictRetry.ExecuteAsync(token => PageAsync(part, token), ct);
            _failures.TryRemove(part, out _);
            return outcome != PageOutcome.Busy;
        }
        catch (Exception e) when (!Failures.IsOutage(e) && !ct.IsCancellationRequested)
        {
            var failed = _failures.AddOrUpdate(part, 1, (_, n) => n + 1);
            logger.LogError(e, "Re-scoring part {Part} of tenant {Tenant} (ICP {Icp} v{Version}) failed, {Failed} of {Max} times",
                part.Number, part.TenantId, part.IcpId, part.Version, failed, MaxPartFailures);
            if (failed >= MaxPartFailures)
            {
                await EndFailedAsync(part, Quarantine.ReasonOf(e), ct);
                _failures.TryRemove(part, out _);
            }
            return false;
        }
    }

    private async Task EndFailedAsync(RescoringPart part, string reason, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await Rescorings.EndFailedAsync(connection, part, reason, clock.GetUtcNow(), ct);
        logger.LogError("Ended re-scoring part {Part} of tenant {Tenant} (ICP {Icp} v{Version}) after {Max} failed rounds: {Reason}",
            part.Number, part.TenantId, part.IcpId, part.Version, MaxPartFailures, reason);
    }

    private async Task<IReadOnlyList<RescoringPart>> UnfinishedAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await Rescorings.UnfinishedAsync(connection, ct);
    }

    private async Task<PageOutcome> PageAsync(RescoringPart part, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);

        if (await Rescorings.ClaimAsync(connection, part, ct) is not { } claim) return PageOutcome.Busy;
        if (claim.Finished) return PageOutcome.Finished;
        var (after, until, definition) = (claim.After, claim.Until, claim.Definition);

        var page = await Rescorings.ReadPageAsync(connection, part, after, until, _options.PageSize, ct);
        var read = watch.Elapsed;
        var version = ScoringVersion.Parse(part.IcpId, part.Version, definition);
        var now = clock.GetUtcNow();
        var batch = LeadScoring.ScoreAll([.. page.Where(p => !p.Scored).Select(p => p.Lead)], [version], now);
        var scores = batch.Scores;
        // A lead this version cannot score is set aside with the page, which goes on without it.
        await Quarantine.AddAsync(connection, part.TenantId,
            batch.Failures.Select(f => (f.Lead.LeadId, f.Lead.Snapshot, (Guid?)f.IcpId, (int?)f.Version, Quarantine.ReasonOf(f.Error))), now, ct);
        var scored = watch.Elapsed;
        var indexed = scored;
        if (scores.Length > 0)
        {
            var batchId = Guid.CreateVersion7();
            await LeadScores.IndexAsync(connection, part.TenantId, batchId, scores, ct);
            await ScoredSnapshots.MeterAsync(connection, part.TenantId, scores, now, ct);
            indexed = watch.Elapsed;
            await ScoreLedger.AppendAsync(store, tx, part.TenantId, batchId, ct, new LeadsScored(batchId, scores, now));
        }
        var written = watch.Elapsed;

        var finished = page.Count < _options.PageSize;
        await Rescorings.AdvanceAsync(connection, part, page.Count > 0 ? page[^1].Lead.LeadId : after, page.Count, finished, now, ct);
        await tx.CommitAsync(ct);

        logger.LogDebug(
            "Re-scoring page of {Leads} leads ({Scores} scored): read {Read:F1} ms, score {Score:F1} ms, index {Index:F1} ms, "
            + "ledger event {Append:F1} ms, commit {Commit:F1} ms",
            page.Count, scores.Length, read.TotalMilliseconds, (scored - read).TotalMilliseconds,
            (indexed - scored).TotalMilliseconds, (written - indexed).TotalMilliseconds, (watch.Elapsed - written).TotalMilliseconds);
        if (finished)
        {
            logger.LogInformation("Re-scored part {Part} of tenant {Tenant}'s leads against ICP {Icp} v{Version}",
                part.Number, part.TenantId, part.IcpId, part.Version);
        }
        return finished ? PageOutcome.Finished : PageOutcome.Continued;
    }
}
