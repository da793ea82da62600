using FluentValidation;
using GrowthKit.Gateway.Authorization;
using GrowthKit.Gateway.Tenants;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Gateway.Admin.IssuingApiKey;

/// <summary><paramref name="Scopes"/> absent: every scope.</summary>
public sealed record IssueApiKey(string? Name, IReadOnlyList<string>? Scopes = null);

/// <summary>The only time the key is shown: the gateway keeps just its hash. Expiry comes with the SaaS-security issue.</summary>
public sealed record ApiKeyIssued(Guid KeyId, string ApiKey, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);

public sealed class IssueApiKeyValidator : AbstractValidator<IssueApiKey>
{
    public IssueApiKeyValidator()
    {
        RuleFor(x => x.Name).ValidName();
        RuleForEach(x => x.Scopes)
            .OneOf(ApiScopes.Known)
            .WithMessage(s => $"Unknown scope; known scopes: {string.Join(", ", ApiScopes.Known)}.");
        RuleFor(x => x.Scopes).MaxItems(ApiScopes.Known.Count);
        RuleFor(x => x.Scopes).NotEmpty().When(x => x.Scopes is not null)
            .WithMessage("A key needs at least one scope; leave scopes out for a key with every scope.");
    }
}

public static class IssueApiKeyFeature
{
    public static RouteGroupBuilder MapIssueApiKey(this RouteGroupBuilder group)
    {
        group.MapPost("/{tenantId:guid}/api-keys", Handle)
            .WithName("IssueApiKey")
            .WithSummary("Issue another API key for a tenant")
            .WithDescription("The key is shown only in this response; its name is recorded as the actor of the changes made with it.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Created<ApiKeyIssued>, ProblemHttpResult>> Handle(
        Guid tenantId, IssueApiKey request, IValidator<IssueApiKey> validator, IDocumentStore store,
        TimeProvider clock, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return validation.ValidationProblem(StatusCodes.Status400BadRequest);

        await using var session = store.LightweightSession();
        if (await session.LoadAsync<Tenant>(tenantId, ct) is null) return ApiDefaults.NotFoundProblem("Tenant");

        var scopes = request.Scopes?.Distinct().ToList();
        var (key, secret) = ApiKey.Issue(tenantId, request.Name!.Trim(), clock.GetUtcNow(), scopes);
        session.Insert(key);
        await session.SaveChangesAsync(ct);

        return TypedResults.Created($"/admin/tenants/{tenantId}/api-keys/{key.KeyId}", new ApiKeyIssued(key.KeyId, secret, scopes ?? ApiScopes.Known, null));
    }
}
