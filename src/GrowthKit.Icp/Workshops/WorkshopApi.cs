using GrowthKit.Icp.Workshops.Answering;
using GrowthKit.Icp.Workshops.Completing;
using GrowthKit.Icp.Workshops.Reading;
using GrowthKit.Icp.Workshops.Starting;
using GrowthKit.ServiceDefaults;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Workshops;

/// <summary>The guided workshop: about ten answers from nothing to a draft ICP.</summary>
public static class WorkshopApi
{
    public static WebApplication MapWorkshopApi(this WebApplication app)
    {
        var workshops = app.MapGroup("api/workshops").WithTags("Workshops");
        workshops.MapStartWorkshop();
        workshops.MapAnswerQuestion();
        workshops.MapReadWorkshop();
        workshops.MapCompleteWorkshop();
        return app;
    }

    /// <summary>
    /// Whether the id names a workshop of the session's tenant (another tenant's, or an ICP's, does
    /// not), checked before Marten folds the stream into a <see cref="WorkshopState"/>.
    /// </summary>
    internal static async Task<bool> IsWorkshopAsync(IQuerySession session, Guid workshopId, CancellationToken ct) =>
        await session.Events.FetchStreamStateAsync(workshopId, ct) is { } stream && stream.AggregateType == typeof(WorkshopState);

    /// <summary>The workshop's events, or none when the id names no workshop of the session's tenant.</summary>
    internal static async Task<IReadOnlyList<IEvent>> EventsAsync(IQuerySession session, Guid workshopId, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(workshopId, token: ct);
        return events.Count > 0 && events[0].Data is WorkshopStarted ? events : [];
    }

    /// <summary>The decider's refusal as the same field problem every service returns.</summary>
    internal static ProblemHttpResult ToProblem(this WorkshopRejection rejection) =>
        rejection.Kind switch
        {
            RejectionKind.Malformed => ApiDefaults.FieldProblems(rejection.Errors.ToDictionary(), StatusCodes.Status400BadRequest, rejection.Title),
            RejectionKind.BreaksRule => ApiDefaults.FieldProblems(rejection.Errors.ToDictionary(), StatusCodes.Status422UnprocessableEntity, rejection.Title),
            _ => Conflict(rejection.Title, rejection.Errors.ToDictionary(), rejection.IcpId),
        };

    /// <summary>A 409 naming what conflicts; when the workshop is already complete it names its ICP too.</summary>
    internal static ProblemHttpResult Conflict(string title, IDictionary<string, string[]> errors, Guid? icpId = null)
    {
        var problem = ApiDefaults.FieldProblems(errors, StatusCodes.Status409Conflict, title);
        if (icpId is { } id) problem.ProblemDetails.Extensions["icpId"] = id;
        return problem;
    }

    internal static ProblemHttpResult ConcurrentChange() =>
        Conflict("The workshop changed meanwhile.", new Dictionary<string, string[]>
        {
            ["workshopId"] = ["Another request changed this workshop at the same time; read it again and retry."],
        });
}
