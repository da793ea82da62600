using System.Security.Claims;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Icps.Reading;

public sealed record PublishedView(int Version, IcpDefinition Definition, DateTimeOffset PublishedAt);

public sealed record IcpView(Guid IcpId, long Revision, IcpDefinition Draft,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] PublishedView? Published)
{
    public static IcpView From(IcpState s) => new(s.Id, s.Revision, s.Draft,
        s.Published is { } p ? new PublishedView(p.Version, p.Definition, p.PublishedAt) : null);
}


public static class ReadIcpsFeature
{
    public static RouteGroupBuilder MapReadIcps(this RouteGroupBuilder group)
    {
        group.MapGet("/", List)
            .WithName("ListIcps")
            .WithSummary("List the tenant's ICPs, oldest first")
            .ProducesValidationProblem();
        group.MapGet("/{icpId:guid}", Get)
            .WithName("GetIcp")
            .WithSummary("The ICP's draft and its published version (the ETag is the revision); with asOf, as they stood at that instant")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>The current ICP, or with <c>asOf</c> the draft and published version in force at that instant.</summary>
    private static async Task<Results<Ok<IcpView>, ProblemHttpResult>> Get(
        Guid icpId, ClaimsPrincipal user, HttpResponse response, IDocumentStore store, CancellationToken ct,
        DateTimeOffset? asOf = null)
    {
        await using var session = store.QuerySession(user.TenantId().ToString());
        if (asOf is { } instant)
        {
            return await History.IcpHistoryFeature.AsOfAsync(session, icpId, instant, ct) is { } then
                ? TypedResults.Ok(then)
                : ApiDefaults.NotFoundProblem($"ICP as of {instant:O}");
        }

        var icp = await session.LoadAsync<IcpState>(icpId, ct);
        if (icp is null) return ApiDefaults.NotFoundProblem("ICP");

        response.Headers.ETag = $"\"{icp.Revision}\"";
        return TypedResults.Ok(IcpView.From(icp));
    }

    /// <summary>Ids are version-7 GUIDs, so ordering by id is creation order and the id is the cursor.</summary>
    private static async Task<Results<Ok<Page<IcpView>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, IDocumentStore store, CancellationToken ct, int? limit = null, Guid? cursor = null)
    {
        if (Paging.CheckLimit(limit, out var take) is { } problem) return problem;

        await using var session = store.QuerySession(user.TenantId().ToString());
        var query = session.Query<IcpState>().AsQueryable();
        if (cursor is { } after) query = query.Where(x => x.Id.CompareTo(after) > 0);
        var fetched = await query.OrderBy(x => x.Id).Take(take + 1).ToListAsync(ct);

        return TypedResults.Ok(Paging.From(fetched, take, IcpView.From, x => x.Id.ToString()));
    }
}
