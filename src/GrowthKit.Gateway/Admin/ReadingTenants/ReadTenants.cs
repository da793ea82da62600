using GrowthKit.Gateway.Tenants;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Gateway.Admin.ReadingTenants;

public sealed record TenantView(Guid TenantId, string Name, DateTimeOffset CreatedAt);

public sealed record TenantPage(IReadOnlyList<TenantView> Items,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>Key names and ids only: the secrets are not stored, and their hashes are never shown.</summary>
public sealed record ApiKeyView(Guid KeyId, string Name, DateTimeOffset CreatedAt);

public sealed record TenantDetails(Guid TenantId, string Name, DateTimeOffset CreatedAt, IReadOnlyList<ApiKeyView> ApiKeys);

public static class ReadTenantsFeature
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static RouteGroupBuilder MapReadTenants(this RouteGroupBuilder group)
    {
        group.MapGet("/", List)
            .WithName("ListTenants")
            .WithSummary("List tenants, oldest first")
            .WithDescription($"Pass the answer's nextCursor as cursor for the next page; limit defaults to {DefaultLimit}, at most {MaxLimit}.")
            .ProducesValidationProblem();
        group.MapGet("/{tenantId:guid}", Get)
            .WithName("GetTenant")
            .WithSummary("A tenant and its API keys (ids and names)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Ids are version-7 GUIDs, so ordering by id is creation order and the last id is the cursor.</summary>
    private static async Task<Results<Ok<TenantPage>, ProblemHttpResult>> List(
        IDocumentStore store, CancellationToken ct, int? limit = null, Guid? cursor = null)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            return TypedResults.Problem(new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] })
            { Status = StatusCodes.Status400BadRequest, Title = "The request is invalid." });
        }

        await using var session = store.QuerySession();
        var query = session.Query<Tenant>().AsQueryable();
        if (cursor is { } after) query = query.Where(t => t.Id.CompareTo(after) > 0);
        var page = await query.OrderBy(t => t.Id).Take(take + 1).ToListAsync(ct);

        var items = page.Take(take).Select(t => new TenantView(t.Id, t.Name, t.CreatedAt)).ToList();
        var next = page.Count > take ? items[^1].TenantId.ToString() : null;
        return TypedResults.Ok(new TenantPage(items, next));
    }

    private static async Task<Results<Ok<TenantDetails>, ProblemHttpResult>> Get(
        Guid tenantId, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var tenant = await session.LoadAsync<Tenant>(tenantId, ct);
        if (tenant is null) return ApiDefaults.NotFoundProblem("Tenant");

        var keys = await session.Query<ApiKey>()
            .Where(k => k.TenantId == tenantId)
            .OrderBy(k => k.CreatedAt)
            .ToListAsync(ct);
        return TypedResults.Ok(new TenantDetails(tenant.Id, tenant.Name, tenant.CreatedAt,
            [.. keys.Select(k => new ApiKeyView(k.KeyId, k.Name, k.CreatedAt))]));
    }
}
