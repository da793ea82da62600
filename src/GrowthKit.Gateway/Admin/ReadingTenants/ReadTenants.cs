using GrowthKit.Gateway.Tenants;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Gateway.Admin.ReadingTenants;

public sealed record TenantView(Guid TenantId, string Name, DateTimeOffset CreatedAt);


/// <summary>Key names and ids only: the secrets are not stored, and their hashes are never shown.</summary>
public sealed record ApiKeyView(Guid KeyId, string Name, DateTimeOffset CreatedAt, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);

public sealed record TenantDetails(Guid TenantId, string Name, DateTimeOffset CreatedAt, IReadOnlyList<ApiKeyView> ApiKeys,
    int? LeadsPerMonth);

public static class ReadTenantsFeature
{

    public static RouteGroupBuilder MapReadTenants(this RouteGroupBuilder group)
    {
        group.MapGet("/", List)
            .WithName("ListTenants")
            .WithSummary("List tenants, oldest first")
            .WithDescription($"Pass the answer's nextCursor as cursor for the next page; limit defaults to {Paging.DefaultLimit}, at most {Paging.MaxLimit}.")
            .ProducesValidationProblem();
        group.MapGet("/{tenantId:guid}", Get)
            .WithName("GetTenant")
            .WithSummary("A tenant and its API keys (ids and names)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Ids are version-7 GUIDs, so ordering by id is creation order and the last id is the cursor.</summary>
    private static async Task<Results<Ok<Page<TenantView>>, ProblemHttpResult>> List(
        IDocumentStore store, CancellationToken ct, int? limit = null, Guid? cursor = null)
    {
        if (Paging.CheckLimit(limit, out var take) is { } problem) return problem;

        await using var session = store.QuerySession();
        var query = session.Query<Tenant>().AsQueryable();
        if (cursor is { } after) query = query.Where(t => t.Id.CompareTo(after) > 0);
        var page = await query.OrderBy(t => t.Id).Take(take + 1).ToListAsync(ct);

        return TypedResults.Ok(Paging.From(page, take, t => new TenantView(t.Id, t.Name, t.CreatedAt), t => t.Id.ToString()));
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
            [.. keys.Select(k => new ApiKeyView(k.KeyId, k.Name, k.CreatedAt, k.Scopes ?? Authorization.ApiScopes.Known, k.ExpiresAt))],
            tenant.LeadsPerMonth));
    }
}
