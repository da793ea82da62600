using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Integrations.Connections;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;

namespace GrowthKit.Integrations.Sync;

public sealed class SyncOptions
{
    public const string Section = "Integrations:Sync";

    /// <summary>How often each connection is synced on its own.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the scheduler looks for connections due for a sync, or runs left unfinished by a stopped process.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the leads and refinement services have to answer one request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often deals refused for a lead refinement does not know yet are sent again (refinement hears of leads a message later).</summary>
    public int UnknownLeadAttempts { get; set; } = 3;
}

/// <summary>
/// Runs one sync of one connection: companies, then closed deals, page by page. Each page is mapped,
/// stripped of records unchanged since they were last sent, sent to the leads service
/// (<see cref="ReceiveLeads"/>) or refinement (<see cref="RecordDeals"/>) in requests of at most 1,000,
/// and then the counters, the cursor and the hashes of what was taken are saved together — so a sync
/// stopped anywhere resumes after the last page it saved, and a page done twice changes nothing
/// (both services are idempotent, and unchanged records are not even sent). A record refused downstream
/// is counted as an error with its reasons; the sync goes on.
/// </summary>
public sealed class SyncRunner(IDocumentStore store, IBus bus, TokenVault vault, IEnumerable<ICrmConnector> connectors,
    SyncLocks locks, TimeProvider clock, IOptions<SyncOptions> options, ILogger<SyncRunner> logger)
{
    public const int MaxItemsPerRequest = 1000;

    /// <summary>Runs the sync unless another runs for this connection (then false). A wanted run is marked running first.</summary>
    public async Task<bool> RunAsync(Guid tenant, string kind, CancellationToken ct)
    {
        await using var held = await locks.TryAcquireAsync(tenant, kind, ct);
        if (held is null) return false;

        CrmSync sync;
        CrmAccess access;
        await using (var session = store.LightweightSession(tenant.ToString()))
        {
            if (await session.LoadAsync<CrmConnection>(kind, ct) is not { } connection) return true;
            var current = await session.LoadAsync<CrmSync>(kind, ct);
            // A run asked for (or left by a stopped process) continues; otherwise this is a scheduled one.
            sync = current is { Status: SyncStatuses.Running } ? current : CrmSync.Start(kind, tenant, current, clock.GetUtcNow());
            string? token = null;
            try
            {
                token = vault.Unprotect(connection.ProtectedToken);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // The key ring that protected it is gone: only a new token helps.
                sync = sync with { Status = SyncStatuses.Failed, FinishedAt = clock.GetUtcNow(), Failure = "The stored token can no longer be decrypted; connect again with PUT /api/integrations/" + kind + "." };
            }
            session.Store(sync);
            await session.SaveChangesAsync(ct);
            if (sync.Status == SyncStatuses.Failed) return true;
            access = new CrmAccess(tenant, kind, new Uri(connection.BaseUrl), token!);
        }
        var connector = connectors.Single(c => c.Kind == kind);

        try
        {
            await foreach (var page in connector.CompaniesAsync(access, sync.Cursor.Companies, ct))
            {
                var (taken, errors) = await SendAsync(tenant, kind, page, SendLeadsAsync, ct);
                sync = sync with
                {
                    Companies = sync.Companies + page.Seen,
                    Contacts = sync.Contacts + page.Contacts,
                    LeadsUpserted = sync.LeadsUpserted + taken.Count,
                    Cursor = sync.Cursor with { Companies = page.Cursor },
                };
                if (!await SaveAsync(tenant, kind, sync.WithErrors(errors), taken, ct)) return true;
                sync = sync.WithErrors(errors);
            }
            await foreach (var page in connector.DealsAsync(access, sync.Cursor.Deals, ct))
            {
                var (taken, errors) = await SendAsync(tenant, kind, page, SendDealsAsync, ct);
                sync = sync with
                {
                    Deals = sync.Deals + page.Seen,
                    DealsRecorded = sync.DealsRecorded + taken.Count,
                    Cursor = sync.Cursor with { Deals = page.Cursor },
                };
                if (!await SaveAsync(tenant, kind, sync.WithErrors(errors), taken, ct)) return true;
                sync = sync.WithErrors(errors);
            }
            sync = sync with { Status = SyncStatuses.Finished, FinishedAt = clock.GetUtcNow(), LastSyncAt = sync.StartedAt };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the run stays "running" from its last saved page, and is resumed by the next sweep.
            throw;
        }
        catch (Exception e)
        {
            // Whatever stops a sync fails it with its reason (never the token: it is in no message), so it is not retried blindly.
            logger.LogWarning("The sync of the {Connection} failed: {Failure}", access, e.Message);
            sync = sync with { Status = SyncStatuses.Failed, FinishedAt = clock.GetUtcNow(), Failure = e.Message };
        }
        await SaveAsync(tenant, kind, sync, [], CancellationToken.None);
        return true;
    }

    private delegate Task<(List<MappedRecord> Taken, List<SyncError> Errors)> Sender(Guid tenant, string kind,
        IReadOnlyList<MappedRecord> records, CancellationToken ct);

    /// <summary>Sends the page's changed records; returns those taken and the errors (mapping and downstream).</summary>
    private async Task<(List<MappedRecord> Taken, List<SyncError> Errors)> SendAsync(Guid tenant, string kind, CrmPage page,
        Sender send, CancellationToken ct)
    {
        var errors = page.Records.Where(r => r.Error is not null).Select(r => new SyncError(r.Id, r.Error!)).ToList();
        var mapped = page.Records.Where(r => r.Json is not null)
            // The last copy of a record in a page wins (a restarted search may repeat it).
            .GroupBy(r => r.Id).Select(g => g.Last()).ToList();
        var changed = await ChangedAsync(tenant, mapped, ct);
        var taken = new List<MappedRecord>();
        foreach (var chunk in changed.Chunk(MaxItemsPerRequest))
        {
            var (chunkTaken, chunkErrors) = await send(tenant, kind, chunk, ct);
            taken.AddRange(chunkTaken);
            errors.AddRange(chunkErrors);
        }
        return (taken, errors);
    }

    private async Task<List<MappedRecord>> ChangedAsync(Guid tenant, List<MappedRecord> records, CancellationToken ct)
    {
        if (records.Count == 0) return [];
        await using var session = store.QuerySession(tenant.ToString());
        var sent = (await session.LoadManyAsync<SyncedRecord>(ct, records.Select(r => r.Id).ToArray())).ToDictionary(r => r.Id, r => r.Hash);
        return [.. records.Where(r => sent.GetValueOrDefault(r.Id) != Hash(r))];
    }

    private async Task<(List<MappedRecord>, List<SyncError>)> SendLeadsAsync(Guid tenant, string kind,
        IReadOnlyList<MappedRecord> records, CancellationToken ct)
    {
        var client = bus.CreateRequestClient<ReceiveLeads>(RequestTimeout.After(ms: (int)options.Value.RequestTimeout.TotalMilliseconds));
        var response = await client.GetResponse<LeadsTaken>(
            new ReceiveLeads(tenant, NewId.NextGuid(), kind, "sync", [.. records.Select(r => r.Json!.Value)]), ct);
        return ([.. response.Message.Accepted.Select(a => records[a.Index])],
            [.. response.Message.Rejected.Select(r => new SyncError(records[r.Index].Id, Describe(r)))]);
    }

    private async Task<(List<MappedRecord>, List<SyncError>)> SendDealsAsync(Guid tenant, string kind,
        IReadOnlyList<MappedRecord> records, CancellationToken ct)
    {
        var client = bus.CreateRequestClient<RecordDeals>(RequestTimeout.After(ms: (int)options.Value.RequestTimeout.TotalMilliseconds));
        var taken = new List<MappedRecord>();
        var pending = records.ToList();
        var errors = new List<SyncError>();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var response = await client.GetResponse<DealsTaken>(
                new RecordDeals(tenant, NewId.NextGuid(), kind, "sync", [.. pending.Select(r => r.Json!.Value)]), ct);
            taken.AddRange(response.Message.Accepted.Select(a => pending[a.Index]));
            // A deal of a lead the leads service just took may reach refinement before the lead does: sent again.
            var unknownLead = response.Message.Rejected.Where(r => r.Errors.ContainsKey("externalId")).ToList();
            errors.AddRange(response.Message.Rejected.Except(attempt < options.Value.UnknownLeadAttempts ? unknownLead : [])
                .Select(r => new SyncError(pending[r.Index].Id, Describe(r))));
            pending = attempt < options.Value.UnknownLeadAttempts ? [.. unknownLead.Select(r => pending[r.Index])] : [];
        }
        return (taken, errors);
    }

    private static string Describe(RejectedItem rejected) =>
        string.Join("; ", rejected.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));

    private static string Hash(MappedRecord record) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(record.Json!.Value.GetRawText())));

    /// <summary>Saves the run with what was taken, unless the connection was removed meanwhile (then false: the sync stops).</summary>
    private async Task<bool> SaveAsync(Guid tenant, string kind, CrmSync sync, IReadOnlyList<MappedRecord> taken, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenant.ToString());
        if (await session.LoadAsync<CrmConnection>(kind, ct) is null) return false;
        var now = clock.GetUtcNow();
        session.Store(sync);
        if (taken.Count > 0) session.Store([.. taken.Select(r => new SyncedRecord(r.Id, Hash(r), now))]);
        await session.SaveChangesAsync(ct);
        return true;
    }
}
