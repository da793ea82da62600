using System.Security.Claims;
using FluentValidation;
using GrowthKit.Gateway.Admin.AuditLog;
using GrowthKit.Gateway.Authorization;
using GrowthKit.Gateway.Tenants;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Gateway.Admin.IssuingApiKey;

/// <summary><paramref name="Scopes"/> absent: every scope. <paramref name="ExpiresAt"/> absent: the key does not expire.</summary>
public sealed record IssueApiKey(string? Name, IReadOnlyList<string>? Scopes = null, DateTimeOffset? ExpiresAt = null);

/// <summary>The only time the key is shown: the gateway keeps just its hash.</summary>
public sealed record ApiKeyIssued(Guid KeyId, string ApiKey, IReadOnlyList<string> Scopes,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    DateTimeOffset? ExpiresAt);

/// <summary>The name's shape is a 400 (as for a tenant's name); scopes and expiry break rules: 422.</summary>
public sealed class IssueApiKeyValidator : AbstractValidator<IssueApiKey>
{
    public IssueApiKeyValidator() => RuleFor(x => x.Name).ValidName();
}

internal sealed class IssueApiKeyRules : AbstractValidator<IssueApiKey>
{
    public IssueApiKeyRules(TimeProvider clock)
    {
        RuleForEach(x => x.Scopes)
            .OneOf(ApiScopes.Known)
            .WithMessage(s => $"Unknown scope; known scopes: {string.Join(", ", ApiScopes.Known)}.")
            .OverridePropertyName("scopes");
        RuleFor(x => x.Scopes).MaxItems(ApiScopes.Known.Count).OverridePropertyName("scopes");
        RuleFor(x => x.Scopes).NotEmpty().When(x => x.Scopes is not null)
            .WithMessage("A key needs at least one scope; leave scopes out for a key with every scope.")
            .OverridePropertyName("scopes");
        RuleFor(x => x.ExpiresAt).Must(e => e > clock.GetUtcNow()).When(x => x.ExpiresAt is not null)
            .WithMessage("expiresAt must be in the future; leave it out for a key that does not expire.")
            .OverridePropertyName("expiresAt");
    }
}

public static class IssueApiKeyFeature
{
    public static RouteGroupBuilder MapIssueApiKey(this RouteGroupBuilder group)
    {
        group.MapPost("/{tenantId:guid}/api-keys", Handle)
            .WithName("IssueApiKey")
            .WithSummary("Issue another API key for a tenant, with scopes and an expiry if wanted")
            .WithDescription("The key is shown only in this response; its name is recorded as the actor of the changes made with it. "
                             + $"Scopes: {string.Join(", ", ApiScopes.Known)} (absent: every scope). An expired key gets 401. "
                             + "To rotate without downtime: issue a second key, switch the client to it, delete the first.")
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Created<ApiKeyIssued>, ProblemHttpResult>> Handle(
        Guid tenantId, IssueApiKey request, IValidator<IssueApiKey> validator, IDocumentStore store,
        TimeProvider clock, ClaimsPrincipal admin, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return validation.ValidationProblem(StatusCodes.Status400BadRequest);
        var rules = await new IssueApiKeyRules(clock).ValidateAsync(request, ct);
        if (!rules.IsValid) return rules.ValidationProblem(StatusCodes.Status422UnprocessableEntity);

        await using var session = store.LightweightSession();
        if (await session.LoadAsync<Tenant>(tenantId, ct) is null) return ApiDefaults.NotFoundProblem("Tenant");

        var now = clock.GetUtcNow();
        var scopes = request.Scopes?.Distinct().ToList();
        var expiresAt = request.ExpiresAt?.ToUniversalTime();
        var (key, secret) = ApiKey.Issue(tenantId, request.Name!.Trim(), now, scopes, expiresAt);
        session.Insert(key);
        session.Record(admin, now, AdminActions.ApiKeyIssued, tenantId, new Dictionary<string, string?>
        {
            ["keyId"] = key.KeyId.ToString(),
            ["name"] = key.Name,
            ["scopes"] = scopes is null ? "*" : string.Join(" ", scopes),
            ["expiresAt"] = expiresAt?.ToString("O"),
        });
        await session.SaveChangesAsync(ct);

        return TypedResults.Created($"/admin/tenants/{tenantId}/api-keys/{key.KeyId}",
            new ApiKeyIssued(key.KeyId, secret, scopes ?? ApiScopes.Known, expiresAt));
    }
}
