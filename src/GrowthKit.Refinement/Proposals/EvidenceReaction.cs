using System.Threading.Channels;
using GrowthKit.Refinement.Icps;
using GrowthKit.Refinement.Storage;
using Marten;
using Microsoft.Extensions.Options;

namespace GrowthKit.Refinement.Proposals;

/// <summary>
/// The evidence behind a tenant's ICPs changed: deals arrived (<paramref name="IcpId"/> null: every ICP of
/// the tenant), a version was recorded, or the settings changed. <paramref name="MayAccept"/> says whether
/// auto mode may accept what the review proposes.
/// </summary>
public sealed record EvidenceChanged(Guid Tenant, Guid? IcpId, bool MayAccept);

/// <summary>Tells the evidence reaction what changed.</summary>
public sealed class RefinementSignal
{
    private readonly Channel<EvidenceChanged> _changes = Channel.CreateUnbounded<EvidenceChanged>(new UnboundedChannelOptions { SingleReader = true });

    public void DealsArrived(Guid tenant) => _changes.Writer.TryWrite(new EvidenceChanged(tenant, null, MayAccept: true));

    /// <summary>A publication alone never makes auto mode publish again: its review only proposes.</summary>
    public void VersionRecorded(Guid tenant, Guid icpId) => _changes.Writer.TryWrite(new EvidenceChanged(tenant, icpId, MayAccept: false));

    public void SettingsChanged(Guid tenant, Guid icpId) => _changes.Writer.TryWrite(new EvidenceChanged(tenant, icpId, MayAccept: true));

    public ChannelReader<EvidenceChanged> Reader => _changes.Reader;
}

/// <summary>
/// Reviews an ICP's evidence when it changes, so that reads only read: after a quiet moment
/// (<see cref="RefinementOptions.AutoDebounce"/>, so a stream of batches is looked at once) each ICP
/// named by the changes gathered is reviewed once — a proposal when the evidence supports one, the win
/// calibration refitted for its version. In auto mode, after deals arrive, the pending proposal of the
/// current version is accepted by "refinement": a normal, auditable version with the evidence as the
/// reason, within the ICP's guardrails; one version per arrival of evidence at most.
/// On start every known ICP is reviewed once, so nothing waits for a signal lost in a restart.
/// </summary>
public sealed class EvidenceReaction(RefinementSignal signal, ProposalDesk desk, IDocumentStore store, RefinementDatabase database,
    IOptions<RefinementOptions> options, ILogger<EvidenceReaction> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Per ICP: whether any of its gathered changes lets auto mode accept.
        var pending = new Dictionary<(Guid Tenant, Guid IcpId), bool>();
        foreach (var known in await database.KnownIcpsAsync(stoppingToken)) pending[known] = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (pending.Count == 0) await GatherAsync(pending, await signal.Reader.ReadAsync(stoppingToken), stoppingToken);
            await Task.Delay(options.Value.AutoDebounce, stoppingToken);
            while (signal.Reader.TryRead(out var change)) await GatherAsync(pending, change, stoppingToken);

            foreach (var ((tenant, icpId), mayAccept) in pending.ToList())
            {
                pending.Remove((tenant, icpId));
                try
                {
                    await ReactAsync(tenant, icpId, mayAccept, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "The review of ICP {IcpId} of tenant {Tenant} failed", icpId, tenant);
                }
            }
        }
    }

    private async Task GatherAsync(Dictionary<(Guid, Guid), bool> pending, EvidenceChanged change, CancellationToken ct)
    {
        IReadOnlyList<Guid> icps = change.IcpId is { } one ? [one] : await IcpsOfAsync(change.Tenant, ct);
        foreach (var icpId in icps)
        {
            pending[(change.Tenant, icpId)] = pending.GetValueOrDefault((change.Tenant, icpId)) || change.MayAccept;
        }
    }

    private async Task ReactAsync(Guid tenant, Guid icpId, bool mayAccept, CancellationToken ct)
    {
        var state = await desk.ReviewEvidenceAsync(tenant, icpId, ct);
        if (state is null || !mayAccept || state.Refinement.Settings.Mode != RefinementModes.Auto) return;
        var proposal = state.Refinement.Proposals.LastOrDefault(p => p.Status == ProposalStatuses.Pending
                                                                    && p.BaseVersion == state.Icp.Version);
        if (proposal is null) return;
        var result = await desk.AcceptAsync(tenant, icpId, proposal.ProposalId, ProposalDesk.RefinementActor, ct);
        logger.LogInformation("Auto refinement of ICP {IcpId}: proposal {ProposalId} → {Result}", icpId, proposal.ProposalId, result);
    }

    private async Task<IReadOnlyList<Guid>> IcpsOfAsync(Guid tenant, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant.ToString());
        return await session.Query<KnownIcp>().Select(i => i.Id).ToListAsync(ct);
    }
}
