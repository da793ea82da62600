using System.Security.Claims;
using GrowthKit.Gateway.Admin.AuditLog;
using GrowthKit.Gateway.Tenants;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Gateway.Admin.Quotas;

/// <param name="LeadsPerMonth">Leads a calendar month (UTC) the tenant may send; null removes the quota.</param>
public sealed record ChangeQuota(
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    [property: System.ComponentModel.DataAnnotations.Range(0, ChangeQuotaFeature.MaxLeadsPerMonth)] int? LeadsPerMonth);

public sealed record Quota(int LeadsPerMonth);

public static class ChangeQuotaFeature
{
    public const int MaxLeadsPerMonth = 1_000_000_000;

    public static RouteGroupBuilder MapChangeQuota(this RouteGroupBuilder group)
    {
        group.MapPut("/{tenantId:guid}/quota", Handle)
            .WithName("ChangeQuota")
            .WithSummary("Set or remove a tenant's monthly lead quota")
            .WithDescription("Over the quota, lead and deal writes get 429 (type …/quota-exceeded) with Retry-After: the seconds to the next "
                             + "calendar month, UTC. A lead counts once when it is new or changed; retries and re-sent batches do not count. "
                             + "leadsPerMonth null removes the quota.")
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<ChangeQuota>, ProblemHttpResult>> Handle(
        Guid tenantId, ChangeQuota request, IDocumentStore store, TimeProvider clock, ClaimsPrincipal admin, CancellationToken ct)
    {
        if (request.LeadsPerMonth is < 0 or > MaxLeadsPerMonth)
        {
            return ApiDefaults.FieldProblem("leadsPerMonth",
                $"leadsPerMonth is 0 to {MaxLeadsPerMonth}, or null for no quota.", StatusCodes.Status422UnprocessableEntity);
        }

        await using var session = store.LightweightSession();
        var tenant = await session.LoadAsync<Tenant>(tenantId, ct);
        if (tenant is null) return ApiDefaults.NotFoundProblem("Tenant");

        var before = tenant.LeadsPerMonth;
        tenant.LeadsPerMonth = request.LeadsPerMonth;
        session.Store(tenant);
        session.Record(admin, clock.GetUtcNow(), AdminActions.QuotaChanged, tenantId, new Dictionary<string, string?>
        {
            ["leadsPerMonth"] = request.LeadsPerMonth?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["before"] = before?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await session.SaveChangesAsync(ct);
        return TypedResults.Ok(request);
    }
}
