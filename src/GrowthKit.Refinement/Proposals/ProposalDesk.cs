using System.Collections.Concurrent;
using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence.Resilience;
using GrowthKit.Refinement.Deals;
using GrowthKit.Refinement.Icps;
using GrowthKit.ServiceDefaults;
using JasperFx;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;

namespace GrowthKit.Refinement.Proposals;

/// <summary>The ICP as refinement knows it and its refinement after a review.</summary>
public sealed record ProposalsState(KnownIcp Icp, IcpRefinement Refinement);

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
    public const string RefinementActor = RefinementDecider.RefinementActor;

    private readonly ConcurrentDictionary<(Guid, Guid), SemaphoreSlim> _locks = new();

    /// <summary>
    /// Reviews the ICP's evidence (<see cref="RefinementDecider.Decide(ReviewEvidence, IcpRefinement, DateTimeOffset)"/>)
    /// and records what it decides in one transaction. This is the one place proposals are made
    /// (<see cref="ProposalMade"/>) and win calibrations fitted; the evidence reaction calls it, never
    /// a read. Null when the ICP was never published.
    /// </summary>
    public async Task<ProposalsState?> ReviewEvidenceAsync(Guid tenant, Guid icpId, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd((tenant, icpId), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return await ConflictRetry.ExecuteAsync(async token =>
            {
                await using var session = store.LightweightSession(tenant.ToString());
                if (await session.LoadAsync<KnownIcp>(icpId, token) is not { } icp) return null;
                var stream = await session.Events.FetchForWriting<IcpRefinement>(icpId, token);
                var refinement = stream.Aggregate ?? IcpRefinement.Empty(icpId);
                var deals = await closedDeals.LoadAsync(session, tenant, token);
                var definition = icp.Definition.Deserialize<IcpDefinition>(ModelJson.Options)!;

                var events = RefinementDecider.Decide(new ReviewEvidence(tenant, icpId, icp.Version, definition, deals), refinement,
                    clock.GetUtcNow());
                if (events.Count == 0) return new ProposalsState(icp, refinement);
                stream.AppendMany(events);
                await session.SaveChangesAsync(token);
                // Announcing a proposal to other services belongs in RefinementRelay (from the committed ProposalMade), not here.
                foreach (var made in events.OfType<ProposalMade>())
                {
                    logger.LogInformation("Proposal {ProposalId} made for ICP {IcpId} v{Version}", made.ProposalId, icpId, made.BaseVersion);
                }
                return new ProposalsState(icp, events.Aggregate(refinement, RefinementDecider.Evolve));
            }, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Has the ICP service publish the proposal (request/response over the broker) and records the
    /// version. Accepting an accepted proposal answers its version again; the request carries the
    /// proposal id, so a retry after a timeout never publishes twice.
    /// </summary>
    public async Task<AcceptResult> AcceptAsync(Guid tenant, Guid icpId, Guid proposalId, string by, CancellationToken ct)
    {
        IcpRefinement? refinement;
        await using (var session = store.QuerySession(tenant.ToString()))
        {
            refinement = await session.Events.AggregateStreamAsync<IcpRefinement>(icpId, token: ct);
        }
        Proposal proposal;
        switch (RefinementDecider.Decide(new AcceptProposal(icpId, proposalId, by), refinement))
        {
            case AcceptDecision.Publish publish: proposal = publish.Proposal; break;
            case AcceptDecision.AlreadyPublished before: return new AcceptResult.Published(before.Version);
            case AcceptDecision.Refused refused: return new AcceptResult.Conflict(refused.Reason);
            default: return new AcceptResult.NotFound();
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
        await RecordAsync(tenant, icpId, r => RefinementDecider.Decide(new RecordAcceptance(icpId, proposalId, version, by), r,
            clock.GetUtcNow()), ct);
        return new AcceptResult.Published(version);
    }

    /// <summary>Records the rejection; the proposal as it now stands, or null when there is no such proposal.</summary>
    public async Task<Proposal?> RejectAsync(Guid tenant, Guid icpId, Guid proposalId, string by, string? reason, CancellationToken ct)
    {
        var state = await RecordAsync(tenant, icpId, r => RefinementDecider.Decide(new RejectProposal(icpId, proposalId, by, reason), r,
            clock.GetUtcNow()), ct);
        return state.Find(proposalId);
    }

    public async Task<IcpRefinement?> ChangeSettingsAsync(Guid tenant, Guid icpId, RefinementSettings settings, string by,
        CancellationToken ct)
    {
        await using (var session = store.QuerySession(tenant.ToString()))
        {
            if (await session.LoadAsync<KnownIcp>(icpId, ct) is null) return null;
        }
        return await RecordAsync(tenant, icpId, r => RefinementDecider.Decide(new ChangeRefinementSettings(icpId, settings, by), r,
            clock.GetUtcNow()), ct);
    }

    /// <summary>Appends what <paramref name="decide"/> makes of the current state, again on a concurrent append.</summary>
    private async Task<IcpRefinement> RecordAsync(Guid tenant, Guid icpId, Func<IcpRefinement, IReadOnlyList<object>> decide,
        CancellationToken ct)
    {
        return await ConflictRetry.ExecuteAsync(async token =>
        {
            await using var session = store.LightweightSession(tenant.ToString());
            var stream = await session.Events.FetchForWriting<IcpRefinement>(icpId, token);
            var state = stream.Aggregate ?? IcpRefinement.Empty(icpId);
            var events = decide(state);
            if (events.Count == 0) return state;
            stream.AppendMany(events);
            await session.SaveChangesAsync(token);
            return events.Aggregate(state, RefinementDecider.Evolve);
        }, ct);
    }
}
