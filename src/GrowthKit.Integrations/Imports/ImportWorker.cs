using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Model;
using MassTransit;
using Microsoft.Extensions.Options;

namespace GrowthKit.Integrations.Imports;

public sealed class ImportOptions
{
    public const string Section = "Imports";

    /// <summary>How often an idle worker looks for imports that no one holds (a new upload wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claimed import stays this worker's without progress; a crashed worker's import is taken over after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the leads or refinement service has to answer a chunk.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a chunk that got no answer waits before it is sent again.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Wakes the worker when an upload was stored.</summary>
public sealed class ImportSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Raise()
    {
        if (_signal.CurrentCount == 0) try { _signal.Release(); } catch (SemaphoreFullException) { }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>
/// Sends stored imports, chunk by chunk, to the service that takes them (<see cref="ReceiveLeads"/> to leads,
/// <see cref="RecordDeals"/> to refinement) over the broker and records each answer. A chunk's request id is
/// derived from (import, chunk), and the receivers treat a repeated item as nothing new, so a chunk sent again
/// after a crash changes nothing.
/// </summary>
public sealed class ImportWorker(ImportStore store, IBus bus, ImportSignal signal, IOptions<ImportOptions> options,
    ILogger<ImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await store.ClaimAsync(o.Lease, stoppingToken);
                if (claimed is null)
                {
                    await signal.WaitAsync(o.PollInterval, stoppingToken);
                    continue;
                }
                try
                {
                    await RunAsync(claimed, o, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // An orderly stop hands the import back at once; a crash leaves it to the lease's end.
                    await store.ReleaseAsync(claimed.ImportId, TimeSpan.Zero, CancellationToken.None);
                    return;
                }
                catch (Exception e)
                {
                    // The bus stopping under a request, a database hiccup: the import waits a little and is taken again.
                    logger.LogWarning(e, "Import {ImportId} stopped at a chunk; it is taken again later", claimed.ImportId);
                    await store.ReleaseAsync(claimed.ImportId, o.RetryAfter, CancellationToken.None);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "The import worker failed; it tries again");
                await Task.Delay(o.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task RunAsync(ClaimedImport import, ImportOptions o, CancellationToken ct)
    {
        for (var chunk = import.NextChunk; chunk < import.Chunks; chunk++)
        {
            var (rows, items) = await store.ReadChunkAsync(import.ImportId, chunk, ct);
            var requestId = DeterministicId.For("csv-import", import.ImportId.ToString(), chunk.ToString(System.Globalization.CultureInfo.InvariantCulture));
            (int Accepted, IReadOnlyList<RejectedItem> Rejected) answer;
            try
            {
                answer = import.Kind == ImportKind.Leads
                    ? await SendLeadsAsync(import, requestId, items, o, ct)
                    : await SendDealsAsync(import, requestId, items, o, ct);
            }
            catch (RequestTimeoutException)
            {
                logger.LogWarning("Chunk {Chunk} of import {ImportId} got no answer in {Timeout}; it is sent again later",
                    chunk, import.ImportId, o.RequestTimeout);
                await store.ReleaseAsync(import.ImportId, o.RetryAfter, ct);
                return;
            }
            var rejected = answer.Rejected
                .Where(r => r.Index >= 0 && r.Index < rows.Length)
                .Select(r => new RejectedRow(rows[r.Index], r.Errors))
                .ToList();
            if (!await store.CompleteChunkAsync(import.ImportId, chunk, answer.Accepted, rejected, chunk == import.Chunks - 1, o.Lease, ct))
            {
                logger.LogInformation("Import {ImportId} was taken over by another worker at chunk {Chunk}", import.ImportId, chunk);
                return;
            }
        }
    }

    private async Task<(int, IReadOnlyList<RejectedItem>)> SendLeadsAsync(ClaimedImport import, Guid requestId,
        IReadOnlyList<JsonElement> items, ImportOptions o, CancellationToken ct)
    {
        var client = bus.CreateRequestClient<ReceiveLeads>(RequestTimeout.After(ms: (int)o.RequestTimeout.TotalMilliseconds));
        var response = await client.GetResponse<LeadsTaken>(
            new ReceiveLeads(import.TenantId, requestId, "csv", import.By, items), ct);
        return (response.Message.Accepted.Count, response.Message.Rejected);
    }

    private async Task<(int, IReadOnlyList<RejectedItem>)> SendDealsAsync(ClaimedImport import, Guid requestId,
        IReadOnlyList<JsonElement> items, ImportOptions o, CancellationToken ct)
    {
        var client = bus.CreateRequestClient<RecordDeals>(RequestTimeout.After(ms: (int)o.RequestTimeout.TotalMilliseconds));
        var response = await client.GetResponse<DealsTaken>(
            new RecordDeals(import.TenantId, requestId, "csv", import.By, items), ct);
        return (response.Message.Accepted.Count, response.Message.Rejected);
    }
}
