using GrowthKit.ServiceDefaults.Resilience;
using System.Diagnostics;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Scoring.Scores;
using GrowthKit.Scoring.Storage;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Part, int> _failures = new();
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
    private async Task<bool> StepAsync(Part part, CancellationToken ct)
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

    private async Task EndFailedAsync(Part part, string reason, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var end = new NpgsqlCommand($"""
            update {ScoringTables.Schema}.rescorings set finished_at = $5, failed_reason = $6
            where tenant_id = $1 and icp_id = $2 and icp_version = $3 and part = $4 and finished_at is null
            """, connection);
        AddKey(end, part);
        end.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = clock.GetUtcNow().UtcDateTime });
        end.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        await end.ExecuteNonQueryAsync(ct);
        logger.LogError("Ended re-scoring part {Part} of tenant {Tenant} (ICP {Icp} v{Version}) after {Max} failed rounds: {Reason}",
            part.Number, part.TenantId, part.IcpId, part.Version, MaxPartFailures, reason);
    }

    private sealed record Part(Guid TenantId, Guid IcpId, int Version, int Number);

    private async Task<IReadOnlyList<Part>> UnfinishedAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"""
            select tenant_id, icp_id, icp_version, part from {ScoringTables.Schema}.rescorings
            where finished_at is null order by started_at, part
            """, connection);
        var unfinished = new List<Part>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            unfinished.Add(new Part(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetInt32(3)));
        }
        return unfinished;
    }

    private sealed record PageLead(LeadToScore Lead, bool Scored);

    private async Task<PageOutcome> PageAsync(Part part, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);

        Guid after, until;
        string definition;
        await using (var claim = new NpgsqlCommand($"""
            select r.after_lead_id, r.until_lead_id, r.finished_at is not null, v.definition
            from {ScoringTables.Schema}.rescorings r
            join {ScoringTables.Schema}.icp_versions v
              on v.tenant_id = r.tenant_id and v.icp_id = r.icp_id and v.version = r.icp_version
            where r.tenant_id = $1 and r.icp_id = $2 and r.icp_version = $3 and r.part = $4
            for update of r skip locked
            """, connection))
        {
            AddKey(claim, part);
            await using var reader = await claim.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return PageOutcome.Busy;
            if (reader.GetBoolean(2)) return PageOutcome.Finished;
            (after, until, definition) = (reader.GetGuid(0), reader.GetGuid(1), reader.GetString(3));
        }

        var page = await ReadPageAsync(connection, part, after, until, ct);
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
            await ScoreLedger.IndexScoresAsync(connection, part.TenantId, batchId, scores, ct);
            await ScoredSnapshots.MeterAsync(connection, part.TenantId, scores, now, ct);
            indexed = watch.Elapsed;
            await ScoreLedger.AppendAsync(store, tx, part.TenantId, batchId, ct, new LeadsScored(batchId, scores, now));
        }
        var written = watch.Elapsed;

        var finished = page.Count < _options.PageSize;
        await using (var advance = new NpgsqlCommand($"""
            update {ScoringTables.Schema}.rescorings
            set after_lead_id = $5, scored = scored + $6, total = greatest(total, scored + $6),
                finished_at = case when $7 then $8 end
            where tenant_id = $1 and icp_id = $2 and icp_version = $3 and part = $4
            """, connection))
        {
            AddKey(advance, part);
            advance.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = page.Count > 0 ? page[^1].Lead.LeadId : after });
            advance.Parameters.Add(new NpgsqlParameter<int> { TypedValue = page.Count });
            advance.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = finished });
            advance.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
            await advance.ExecuteNonQueryAsync(ct);
        }
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

    /// <summary>
    /// The next page of the part's leads by id, each marked when its current snapshot has a score for
    /// the version already (scored on arrival). The lateral probe is one primary-key lookup per lead
    /// (<see cref="ScoringTables.ByPrimaryKey"/>).
    /// </summary>
    private async Task<IReadOnlyList<PageLead>> ReadPageAsync(NpgsqlConnection connection, Part part, Guid after, Guid until,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select l.lead_id, l.snapshot, l.lead, l.lead_canonical, s.found is not null
            from (select lead_id, snapshot, lead, lead_canonical from {ScoringTables.Schema}.leads
                  where tenant_id = $1 and lead_id > $5 and lead_id <= $6
                  order by lead_id
                  limit $7) l
            left join lateral (
                select true as found from {ScoringTables.Schema}.lead_scores s
                where s.tenant_id = $1 and s.lead_id = l.lead_id and s.icp_id = $2 and {ScoringTables.ByPrimaryKey("s.icp_version")} = $3
                  and s.snapshot = l.snapshot
                limit 1) s on true
            order by l.lead_id
            """, connection);
        AddKey(command, part);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = until });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _options.PageSize });
        var page = new List<PageLead>(_options.PageSize);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            page.Add(new PageLead(
                new LeadToScore(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3)),
                reader.GetBoolean(4)));
        }
        return page;
    }

    private static void AddKey(NpgsqlCommand command, Part part)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = part.TenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = part.IcpId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = part.Version });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = part.Number });
    }
}
