using GrowthKit.ServiceDefaults.Resilience;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Refinement.Deals;
using GrowthKit.Refinement.Icps;
using GrowthKit.ServiceDefaults;
using JasperFx;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;

namespace GrowthKit.Refinement.Proposals;

/// <summary>Why the evidence behind an ICP gives no (new) proposal, when it does not.</summary>
public sealed record ProposalsState(KnownIcp Icp, IcpRefinement Refinement, string? WhyNone);

public abstract record AcceptResult
{
    public sealed record Published(int Version) : AcceptResult;

    public sealed record NotFound : AcceptResult;

    public sealed record Conflict(string Reason) : AcceptResult;

    public sealed record TimedOut : AcceptResult;
}

/// <summary>
/// Makes proposals from the evidence and carries out decisions on them. Each ICP's refinement is one
/// stream; writers append with the version they read (Marten's optimistic concurrency), and within
/// this process one ICP is worked on at a time.
/// </summary>
public sealed class ProposalDesk(IDocumentStore store, ClosedDeals closedDeals, IBus bus,
    TimeProvider clock, IOptions<RefinementOptions> options, ILogger<ProposalDesk> logger)
{
    public const string RefinementActor = "refinement";

    private readonly ConcurrentDictionary<(Guid, Guid), SemaphoreSlim> _locks = new();

    /// <summary>
    /// The ICP's proposals, with one made from the current evidence when it supports one and none was
    /// made from exactly that evidence yet. Pending proposals of an older version or older evidence are
    /// withdrawn. Null when the ICP was never published.
    /// </summary>
    public async Task<ProposalsState?> RefreshAsync(Guid tenant, Guid icpId, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd((tenant, icpId), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return await ConflictRetry.ExecuteAsync(token => RefreshOnceAsync(tenant, icpId, token), ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ProposalsState?> RefreshOnceAsync(Guid tenant, Guid icpId, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenant.ToString());
        if (await session.LoadAsync<KnownIcp>(icpId, ct) is not { } icp) return null;
        var stream = await session.Events.FetchForWriting<IcpRefinement>(icpId, ct);
        var refinement = stream.Aggregate ?? IcpRefinement.Empty(icpId);

        var deals = await closedDeals.LoadAsync(session, tenant, ct);
        var settings = refinement.Settings;
        var basis = string.Create(CultureInfo.InvariantCulture,
            $"v{icp.Version};deals {deals.Count};won {deals.Count(d => d.Won)};last {LastClosed(deals)};{settings.MinWon}/{settings.MinLost}/{settings.MaxWeightChange}");
        if (refinement.Proposals.Any(p => p.Basis == basis)) return new ProposalsState(icp, refinement, null);

        var definition = icp.Definition.Deserialize<IcpDefinition>(ModelJson.Options)!;
        var attempt = Refiner.Propose(definition, deals, settings.Rules);
        var now = clock.GetUtcNow();
        var events = new List<object>();
        foreach (var stale in refinement.Proposals.Where(p => p.Status == ProposalStatuses.Pending
                                                               && (p.BaseVersion != icp.Version || attempt.Proposal is not null)))
        {
            events.Add(new ProposalRejected(icpId, stale.ProposalId, RefinementActor, stale.BaseVersion != icp.Version
                ? $"Withdrawn: version {icp.Version} has been published since."
                : "Withdrawn: superseded by a proposal from newer evidence.", now));
        }
        if (attempt.Proposal is { } proposal)
        {
            var proposalId = DeterministicId.For(tenant.ToString(), icpId.ToString(), basis);
            events.Add(new ProposalMade(icpId, proposalId, icp.Version, basis, proposal.Definition, proposal.Changes,
                proposal.Evidence, proposal.CurrentAuc, proposal.ExpectedAuc, proposal.Reason(proposalId), now));
        }
        if (events.Count > 0)
        {
            stream.AppendMany(events);
            await session.SaveChangesAsync(ct);
            refinement = events.Aggregate(refinement, Evolve);
        }
        return new ProposalsState(icp, refinement, attempt.WhyNot);
    }

    private static string LastClosed(IReadOnlyList<ClosedDeal> deals) =>
        deals.Count == 0 ? "-" : deals.Max(d => d.ClosedAt).ToString("O", CultureInfo.InvariantCulture);

    public static IcpRefinement Evolve(IcpRefinement state, object e) => e switch
    {
        ProposalMade m => state.Apply(m),
        ProposalAccepted a => state.Apply(a),
        ProposalRejected r => state.Apply(r),
        RefinementSettingsChanged s => state.Apply(s),
        _ => state,
    };

    /// <summary>
    /// Has the ICP service publish the proposal (request/response over the broker) and records the
    /// version. Accepting an accepted proposal answers its version again; the request carries the
    /// proposal id, so a retry after a timeout never publishes twice.
    /// </summary>
    public async Task<AcceptResult> AcceptAsync(Guid tenant, Guid icpId, Guid proposalId, string by, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenant.ToString());
        var refinement = await session.Events.AggregateStreamAsync<IcpRefinement>(icpId, token: ct);
        if (refinement?.Find(proposalId) is not { } proposal) return new AcceptResult.NotFound();
        switch (proposal.Status)
        {
            case ProposalStatuses.Accepted: return new AcceptResult.Published(proposal.Version!.Value);
            case ProposalStatuses.Rejected:
                return new AcceptResult.Conflict($"The proposal was rejected by {proposal.DecidedBy}: {proposal.DecisionReason}");
        }

        Response<RefinedIcpPublished, RefinedIcpRefused> response;
        try
        {
            // A request client from the bus: this desk is a singleton, the registered request clients are scoped.
            var timeout = RequestTimeout.After(ms: (int)options.Value.AcceptTimeout.TotalMilliseconds);
            var publisher = bus.CreateRequestClient<PublishRefinedIcp>(timeout);
            response = await publisher.GetResponse<RefinedIcpPublished, RefinedIcpRefused>(
                new PublishRefinedIcp(tenant, icpId, proposalId, proposal.BaseVersion,
                    JsonSerializer.SerializeToElement(proposal.Definition, ModelJson.Options), by, proposal.Reason),
                ct, timeout);
        }
        catch (RequestTimeoutException)
        {
            logger.LogWarning("The ICP service did not answer the publication of proposal {ProposalId} in time", proposalId);
            return new AcceptResult.TimedOut();
        }

        if (!response.Is(out Response<RefinedIcpPublished>? published))
        {
            return response.Is(out Response<RefinedIcpRefused>? refused)
                ? new AcceptResult.Conflict(refused.Message.Reason)
                : new AcceptResult.Conflict("The ICP service gave no answer it could read.");
        }
        var version = published.Message.Version;
        await RecordAsync(tenant, icpId, r => r.Find(proposalId)?.Status == ProposalStatuses.Pending
            ? [new ProposalAccepted(icpId, proposalId, version, by, clock.GetUtcNow())]
            : [], ct);
        return new AcceptResult.Published(version);
    }

    /// <summary>Records the rejection; false when there is no such pending proposal.</summary>
    public async Task<Proposal?> RejectAsync(Guid tenant, Guid icpId, Guid proposalId, string by, string? reason, CancellationToken ct)
    {
        var state = await RecordAsync(tenant, icpId, r => r.Find(proposalId)?.Status == ProposalStatuses.Pending
            ? [new ProposalRejected(icpId, proposalId, by, reason, clock.GetUtcNow())]
            : [], ct);
        return state?.Find(proposalId);
    }

    public async Task<IcpRefinement?> ChangeSettingsAsync(Guid tenant, Guid icpId, RefinementSettings settings, string by,
        CancellationToken ct)
    {
        await using (var session = store.QuerySession(tenant.ToString()))
        {
            if (await session.LoadAsync<KnownIcp>(icpId, ct) is null) return null;
        }
        return await RecordAsync(tenant, icpId, _ =>
            [new RefinementSettingsChanged(icpId, settings.Mode, settings.MinWon, settings.MinLost, settings.MaxWeightChange, by, clock.GetUtcNow())], ct);
    }

    /// <summary>Appends what <paramref name="decide"/> makes of the current state, again on a concurrent append.</summary>
    private async Task<IcpRefinement?> RecordAsync(Guid tenant, Guid icpId, Func<IcpRefinement, IReadOnlyList<object>> decide,
        CancellationToken ct)
    {
        return await ConflictRetry.ExecuteAsync(async token =>
        {
            await using var session = store.LightweightSession(tenant.ToString());
            var stream = await session.Events.FetchForWriting<IcpRefinement>(icpId, token);
            var state = stream.Aggregate ?? IcpRefinement.Empty(icpId);
            var events = decide(state);
            if (events.Count == 0) return stream.Aggregate;
            stream.AppendMany(events);
            await session.SaveChangesAsync(token);
            return events.Aggregate(state, Evolve);
        }, ct);
    }
}
