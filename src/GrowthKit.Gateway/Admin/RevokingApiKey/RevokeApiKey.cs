using System.Security.Claims;
using GrowthKit.Gateway.Admin.AuditLog;
using GrowthKit.Gateway.Tenants;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Gateway.Admin.RevokingApiKey;

public static class RevokeApiKeyFeature
{
    public static RouteGroupBuilder MapRevokeApiKey(this RouteGroupBuilder group)
    {
        group.MapDelete("/{tenantId:guid}/api-keys/{keyId:guid}", Handle)
            .WithName("RevokeApiKey")
            .WithSummary("Delete an API key; it stops working at once")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>The key is deleted, not flagged: every request looks its key up, so the next one fails.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid tenantId, Guid keyId, IDocumentStore store, TimeProvider clock, ClaimsPrincipal admin,
        CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var key = await session.Query<ApiKey>()
            .FirstOrDefaultAsync(k => k.KeyId == keyId && k.TenantId == tenantId, ct);
        if (key is null) return ApiDefaults.NotFoundProblem("API key");

        session.Delete(key);
        session.Record(admin, clock.GetUtcNow(), AdminActions.ApiKeyRevoked, tenantId, new Dictionary<string, string?>
        {
            ["keyId"] = key.KeyId.ToString(),
            ["name"] = key.Name,
        });
        await session.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
