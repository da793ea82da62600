using System.Security.Claims;
using FluentValidation;
using GrowthKit.Gateway.Admin.AuditLog;
using GrowthKit.Gateway.Tenants;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Gateway.Admin.CreatingTenant;

public sealed record CreateTenant(string? Name);

/// <summary>The only time the first key is shown: the gateway keeps just its hash.</summary>
public sealed record TenantCreated(Guid TenantId, string Name, string ApiKey);

public sealed class CreateTenantValidator : AbstractValidator<CreateTenant>
{
    public CreateTenantValidator() => RuleFor(x => x.Name).ValidName();
}

public static class CreateTenantFeature
{
    public const string FirstKeyName = "default";

    public static RouteGroupBuilder MapCreateTenant(this RouteGroupBuilder group)
    {
        group.MapPost("/", Handle)
            .WithName("CreateTenant")
            .WithSummary("Create a tenant and its first API key")
            .WithDescription($"The key is named \"{FirstKeyName}\" and is shown only in this response.")
            .ProducesValidationProblem();
        return group;
    }

    private static async Task<Results<Created<TenantCreated>, ProblemHttpResult>> Handle(
        CreateTenant request, IValidator<CreateTenant> validator, IDocumentStore store, TimeProvider clock,
        ClaimsPrincipal admin, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return validation.ValidationProblem(StatusCodes.Status400BadRequest);

        var now = clock.GetUtcNow();
        var tenant = new Tenant { Id = Guid.CreateVersion7(now), Name = request.Name!.Trim(), CreatedAt = now };
        var (key, secret) = ApiKey.Issue(tenant.Id, FirstKeyName, now);

        await using var session = store.LightweightSession();
        session.Insert(tenant);
        session.Insert(key);
        session.Record(admin, now, AdminActions.TenantCreated, tenant.Id, new Dictionary<string, string?>
        {
            ["name"] = tenant.Name,
            ["keyId"] = key.KeyId.ToString(),
        });
        await session.SaveChangesAsync(ct);

        return TypedResults.Created($"/admin/tenants/{tenant.Id}", new TenantCreated(tenant.Id, tenant.Name, secret));
    }
}
