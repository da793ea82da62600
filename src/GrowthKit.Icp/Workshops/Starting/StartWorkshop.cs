using System.Security.Claims;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Workshops.Starting;

public sealed record StartWorkshop(Guid WorkshopId, string By);

public sealed record WorkshopOpened(Guid WorkshopId, WorkshopQuestion Question);

public static class StartWorkshopFeature
{
    public static WorkshopStarted Decide(StartWorkshop command, DateTimeOffset now) => new(command.WorkshopId, command.By, now);

    public static RouteGroupBuilder MapStartWorkshop(this RouteGroupBuilder group)
    {
        group.MapPost("/", Handle)
            .WithName("StartWorkshop")
            .WithSummary("Start a guided workshop; answers with its id and the first question")
            .WithDescription("The questions, in order: industries, company-size, revenue, regions, buying-triggers, pain-points, " +
                             "personas, disqualifiers, weights. The name is given when the workshop is completed.");
        return group;
    }

    private static async Task<Created<WorkshopOpened>> Handle(ClaimsPrincipal user, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        await using var session = store.LightweightSession(user.TenantId().ToString());
        var vocabulary = await WorkshopVocabulary.LoadAsync(session, ct);

        var started = Decide(new StartWorkshop(Guid.CreateVersion7(), user.Actor()), clock.GetUtcNow());
        session.StampTraceContext();
        session.Events.StartStream<WorkshopState>(started.WorkshopId, started);
        await session.SaveChangesAsync(ct);

        var first = WorkshopQuestions.Current(WorkshopState.Create(started), vocabulary)!;
        return TypedResults.Created($"/api/workshops/{started.WorkshopId}", new WorkshopOpened(started.WorkshopId, first));
    }
}
