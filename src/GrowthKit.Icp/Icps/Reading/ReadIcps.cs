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

public sealed record IcpPage(IReadOnlyList<IcpView> Items,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? NextCursor);

public static class ReadIcpsFeature
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static RouteGroupBuilder MapReadIcps(this RouteGroupBuilder group)
    {
        group.MapGet("/", List)
            .WithName("ListIcps")
            .WithSummary("List the tenant's ICPs, oldest first")
            .ProducesValidationProblem();
        group.MapGet("/{icpId:guid}", Get)
            .WithName("GetIcp")
            .WithSummary("The ICP's draft and its published version; the ETag is the revision")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<IcpView>, ProblemHttpResult>> Get(
        Guid icpId, ClaimsPrincipal user, HttpResponse response, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession(user.TenantId().ToString());
        var icp = await session.LoadAsync<IcpState>(icpId, ct);
        if (icp is null) return ApiDefaults.NotFoundProblem("ICP");

        response.Headers.ETag = $"\"{icp.Revision}\"";
        return TypedResults.Ok(IcpView.From(icp));
    }

    /// <summary>Ids are version-7 GUIDs, so ordering by id is creation order and the id is the cursor.</summary>
    private static async Task<Results<Ok<IcpPage>, ProblemHttpResult>> List(
        ClaimsPrincipal user, IDocumentStore store, CancellationToken ct, int? limit = null, Guid? cursor = null)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            return TypedResults.Problem(new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] })
            { Status = StatusCodes.Status400BadRequest });
        }

        await using var session = store.QuerySession(user.TenantId().ToString());
        var query = session.Query<IcpState>().AsQueryable();
        if (cursor is { } after) query = query.Where(x => x.Id.CompareTo(after) > 0);
        var page = await query.OrderBy(x => x.Id).Take(take + 1).ToListAsync(ct);

        var items = page.Take(take).Select(IcpView.From).ToList();
        var next = page.Count > take ? items[^1].IcpId.ToString() : null;
        return TypedResults.Ok(new IcpPage(items, next));
    }
}
