using System.Threading.Channels;
using GrowthKit.Refinement.Storage;
using Marten;
using Npgsql;
using Microsoft.Extensions.Options;

namespace GrowthKit.Refinement.Proposals;

/// <summary>Tells auto mode that a tenant's evidence changed (deals arrived, or an ICP was switched to auto).</summary>
public sealed class RefinementSignal
{
    private readonly Channel<Guid> _tenants = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public void DealsArrived(Guid tenant) => _tenants.Writer.TryWrite(tenant);

    public ChannelReader<Guid> Reader => _tenants.Reader;
}

/// <summary>
/// Auto mode: after deals arrive (and a quiet moment, so a stream of batches is looked at once), each
/// ICP of the tenant in auto mode gets its proposal made and accepted by "refinement" — a normal,
/// auditable version with the evidence as the reason, within the ICP's guardrails. One version per
/// arrival of evidence at most: a publication alone does not trigger another step.
/// On start every tenant with an ICP in auto mode is looked at once, so nothing waits for a signal lost in a restart.
/// </summary>
public sealed class AutoRefinement(RefinementSignal signal, ProposalDesk desk, IDocumentStore store, RefinementDatabase database,
    IOptions<RefinementOptions> options, ILogger<AutoRefinement> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new HashSet<Guid>(await TenantsInAutoModeAsync(stoppingToken));
        while (!stoppingToken.IsCancellationRequested)
        {
            if (pending.Count == 0) pending.Add(await signal.Reader.ReadAsync(stoppingToken));
            await Task.Delay(options.Value.AutoDebounce, stoppingToken);
            while (signal.Reader.TryRead(out var tenant)) pending.Add(tenant);

            foreach (var tenant in pending.ToList())
            {
                pending.Remove(tenant);
                try
                {
                    await RefineAsync(tenant, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Auto refinement of tenant {Tenant} failed", tenant);
                }
            }
        }
    }

    private async Task RefineAsync(Guid tenant, CancellationToken ct)
    {
        List<Guid> icps;
        await using (var session = store.QuerySession(tenant.ToString()))
        {
            icps = [.. (await session.Query<IcpRefinement>().ToListAsync(ct))
                .Where(r => r.Settings.Mode == RefinementModes.Auto).Select(r => r.Id)];
        }
        foreach (var icpId in icps)
        {
            var state = await desk.RefreshAsync(tenant, icpId, ct);
            var proposal = state?.Refinement.Proposals.LastOrDefault(p => p.Status == ProposalStatuses.Pending
                                                                         && p.BaseVersion == state.Icp.Version);
            if (proposal is null) continue;
            var result = await desk.AcceptAsync(tenant, icpId, proposal.ProposalId, ProposalDesk.RefinementActor, ct);
            logger.LogInformation("Auto refinement of ICP {IcpId}: proposal {ProposalId} → {Result}", icpId, proposal.ProposalId, result);
        }
    }

    private async Task<IReadOnlyList<Guid>> TenantsInAutoModeAsync(CancellationToken ct)
    {
        // Across tenants, so below the tenant-scoped sessions: the document table (Marten's mt_doc_ + type name) and its tenant column.
        const string table = $"{RefinementDatabase.Schema}.mt_doc_icprefinement";
        await using var connection = await database.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select distinct tenant_id from {table} where data -> 'settings' ->> 'mode' = '{RefinementModes.Auto}'", connection);
        var tenants = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (Guid.TryParse(reader.GetString(0), out var tenant)) tenants.Add(tenant);
        }
        return tenants;
    }
}
