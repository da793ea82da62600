using System.Security.Claims;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Icps.Drafting;

public sealed record DraftIcp(Guid IcpId, IcpDefinition Definition, string By, string? Reason);

public sealed record IcpCreated(Guid IcpId, long Revision);

public static class DraftIcpFeature
{
    public static IcpDrafted Decide(DraftIcp command, DateTimeOffset now) =>
        new(command.IcpId, DefinitionShape.Tidy(command.Definition), command.By, command.Reason, now);

    /// <summary>
    /// Starts a new ICP stream from a prepared (validated and expanded) definition; the caller saves
    /// the session. The workshop creates its draft through here too.
    /// </summary>
    public static IcpCreated StartDraft(IDocumentSession session, IcpDefinition prepared, string by, string? reason, DateTimeOffset now)
    {
        var drafted = Decide(new DraftIcp(Guid.CreateVersion7(), prepared, by, reason), now);
        session.StampTraceContext();
        session.Events.StartStream<IcpState>(drafted.IcpId, drafted);
        return new IcpCreated(drafted.IcpId, 1);
    }

    public static RouteGroupBuilder MapDraftIcp(this RouteGroupBuilder group)
    {
        group.MapPost("/", Handle)
            .WithName("DraftIcp")
            .WithSummary("Create a draft ICP from a definition")
            .WithDescription("Region groups (DACH, Nordics, …) and the tenant's own groups are expanded into concrete values. " +
                             "The draft is not used for scoring until it is published.")
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    private static async Task<Results<Created<IcpCreated>, ProblemHttpResult>> Handle(
        IcpDefinition definition, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        await using var session = store.LightweightSession(user.TenantId().ToString());
        var (prepared, problem) = await DefinitionPreparation.PrepareAsync(session, definition, "", ct);
        if (problem is not null) return problem;

        var created = StartDraft(session, prepared!, user.Actor(), null, clock.GetUtcNow());
        await session.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/icps/{created.IcpId}", created);
    }
}
