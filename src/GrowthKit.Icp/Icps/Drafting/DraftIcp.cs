using System.Security.Claims;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Icps.Drafting;

public sealed record DraftIcp(Guid IcpId, IcpDefinition Definition, string By);

public sealed record IcpCreated(Guid IcpId, long Revision);

public static class DraftIcpFeature
{
    public static IcpDrafted Decide(DraftIcp command, DateTimeOffset now) =>
        new(command.IcpId, command.Definition, command.By, now);

    public static RouteGroupBuilder MapDraftIcp(this RouteGroupBuilder group)
    {
        group.MapPost("/", Handle)
            .WithName("DraftIcp")
            .WithSummary("Create a draft ICP from a definition")
            .WithDescription("The draft is not used for scoring until it is published.")
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    private static async Task<Results<Created<IcpCreated>, ProblemHttpResult>> Handle(
        IcpDefinition definition, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        if (DefinitionProblems.Check(definition) is { } problem) return problem;

        var command = new DraftIcp(Guid.CreateVersion7(), definition, user.Actor());
        var drafted = Decide(command, clock.GetUtcNow());

        await using var session = store.LightweightSession(user.TenantId().ToString());
        session.StampTraceContext();
        session.Events.StartStream<IcpState>(command.IcpId, drafted);
        await session.SaveChangesAsync(ct);

        return TypedResults.Created($"/api/icps/{command.IcpId}", new IcpCreated(command.IcpId, 1));
    }
}
