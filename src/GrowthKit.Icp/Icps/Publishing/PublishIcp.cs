using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Icps.Publishing;

public sealed record PublishIcp(Guid IcpId, string Reason, string By);

public sealed record PublishRequest([property: MaxLength(Limits.ReasonLength)] string? Reason);

public sealed record IcpPublishedResponse(int Version, long Revision);

public static class PublishIcpFeature
{
    /// <summary>The draft becomes the next version, unless it is exactly what is already published.</summary>
    public static IcpPublished? Decide(PublishIcp command, IcpState state, DateTimeOffset now)
    {
        if (state.Published is { } current && CanonicalJson.AreEqual(current.Definition, state.Draft)) return null;
        var version = (state.Published?.Version ?? 0) + 1;
        return new IcpPublished(command.IcpId, version, state.Draft, command.By, command.Reason, now);
    }

    public static RouteGroupBuilder MapPublishIcp(this RouteGroupBuilder group)
    {
        group.MapPost("/{icpId:guid}/publish", Handle)
            .WithName("PublishIcp")
            .WithSummary("Publish the draft as the next version; every lead of the tenant is then scored against it")
            .WithDescription("An If-Match header with the revision is honoured when given.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    private static async Task<Results<Ok<IcpPublishedResponse>, ProblemHttpResult>> Handle(
        Guid icpId, PublishRequest request, HttpRequest http, ClaimsPrincipal user,
        IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return ApiDefaults.FieldProblem("reason", "A reason is required: history records why.");
        }
        if (request.Reason.Length > Limits.ReasonLength)
            return ApiDefaults.FieldProblem("reason", $"'reason' must be at most {Limits.ReasonLength} characters.", StatusCodes.Status422UnprocessableEntity);

        if (!IfMatch.TryParse(http, out var expected)) return IfMatch.Malformed();

        await using var session = store.LightweightSession(user.TenantId().ToString());
        session.StampTraceContext();
        try
        {
            var stream = expected is { } revision
                ? await session.Events.FetchForWriting<IcpState>(icpId, revision, ct)
                : await session.Events.FetchForWriting<IcpState>(icpId, ct);
            if (stream.Aggregate is null) return ApiDefaults.NotFoundProblem("ICP");

            var published = Decide(new PublishIcp(icpId, request.Reason.Trim(), user.Actor()), stream.Aggregate, clock.GetUtcNow());
            if (published is null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "Nothing to publish.",
                    detail: $"The draft is exactly version {stream.Aggregate.Published!.Version}.");
            }

            stream.AppendOne(published);
            await session.SaveChangesAsync(ct);
            return TypedResults.Ok(new IcpPublishedResponse(published.Version, stream.Aggregate.Revision + 1));
        }
        catch (ConcurrencyException)
        {
            return await IfMatch.StaleOrMissingAsync(session, icpId, ct);
        }
    }
}
