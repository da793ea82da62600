using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Icp.Icps.Editing;
using GrowthKit.Icp.Icps.Publishing;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence;
using GrowthKit.Platform.Persistence.Resilience;
using GrowthKit.ServiceDefaults;
using JasperFx;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace GrowthKit.Icp.Icps.Refining;

/// <summary>
/// Which version a refinement request made, stored in the transaction that published it, so that
/// the same request sent again is answered with that version and publishes nothing.
/// </summary>
public sealed record RefinedPublication(Guid Id, Guid IcpId, int Version, DateTimeOffset At);

/// <summary>
/// Publishes a definition the refinement service proposed: the draft is edited to it (recorded as
/// the fine-grained changes it amounts to, with the evidence as the reason) and published, in one
/// transaction. Only an ICP still at the proposal's base version and without unpublished edits is
/// changed: anything else would overwrite someone's work. A concurrent editor makes the append fail
/// (the stream moved on); the request is then judged again against what they wrote.
/// </summary>
public sealed class PublishRefinedIcpConsumer(IDocumentStore store, TimeProvider clock)
    : IConsumer<PublishRefinedIcp>
{
    public async Task Consume(ConsumeContext<PublishRefinedIcp> context)
    {
        var request = context.Message;
        // A concurrent editor makes the append fail; the request is then judged again against what they wrote.
        var answer = await ConflictRetry.ExecuteAsync(token => DecideAsync(request, token), context.CancellationToken);
        if (answer is RefinedIcpPublished published) await context.RespondAsync(published);
        else await context.RespondAsync((RefinedIcpRefused)answer);
    }

    private async Task<object> DecideAsync(PublishRefinedIcp request, CancellationToken ct)
    {
        await using var session = store.LightweightSession(request.TenantId.ToString());
        session.StampTraceContext();
        if (await session.LoadAsync<RefinedPublication>(request.RequestId, ct) is { } done)
            return Published(request, done.Version);

        var stream = await session.Events.FetchForWriting<IcpState>(request.IcpId, ct);
        if (stream.Aggregate is not { } state) return Refused(request, "The ICP does not exist.");
        if (state.Published?.Version != request.BaseVersion)
        {
            return Refused(request, $"The ICP moved on: version {state.Published?.Version} is published, the proposal was made for version {request.BaseVersion}.");
        }
        if (!CanonicalJson.AreEqual(state.Published.Definition, state.Draft))
            return Refused(request, "The ICP's draft has unpublished edits; publish or undo them first.");

        IcpDefinition? proposed;
        try
        {
            proposed = request.Definition.Deserialize<IcpDefinition>(ModelJson.Options);
        }
        catch (JsonException e)
        {
            return Refused(request, $"The definition cannot be read: {e.Message}");
        }
        if (proposed is null) return Refused(request, "The definition is missing.");
        var (definition, problem) = await DefinitionPreparation.PrepareAsync(session, proposed, "definition", ct);
        if (problem is not null) return Refused(request, Describe(problem.ProblemDetails));

        var now = clock.GetUtcNow();
        var edits = EditIcpFeature.Decide(new EditIcp(request.IcpId, definition!, request.By, request.Reason), state, now);
        var edited = edits.Aggregate(state, IcpEvolution.Evolve);
        if (PublishIcpFeature.Decide(new PublishIcp(request.IcpId, request.Reason, request.By), edited, now) is not { } publication)
            return Refused(request, $"The definition is exactly version {state.Published.Version}.");

        stream.AppendMany([.. edits, publication]);
        // Inserted, not stored: the same request handled twice at once fails here and is answered from the record.
        session.Insert(new RefinedPublication(request.RequestId, request.IcpId, publication.Version, now));
        await session.SaveChangesAsync(ct);
        return Published(request, publication.Version);
    }

    private static RefinedIcpPublished Published(PublishRefinedIcp r, int version) => new(r.TenantId, r.IcpId, r.RequestId, version);

    private static RefinedIcpRefused Refused(PublishRefinedIcp r, string reason) => new(r.TenantId, r.IcpId, r.RequestId, reason);

    private static string Describe(Microsoft.AspNetCore.Mvc.ProblemDetails problem) => problem is HttpValidationProblemDetails validation
        ? $"{problem.Title} " + string.Join(" ", validation.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))
        : problem.Title ?? "The definition is invalid.";
}
