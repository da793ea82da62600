using FluentValidation;
using GrowthKit.Gateway.Tenants;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Gateway.Admin.IssuingApiKey;

public sealed record IssueApiKey(string? Name);

/// <summary>The only time the key is shown: the gateway keeps just its hash.</summary>
public sealed record ApiKeyIssued(Guid KeyId, string ApiKey);

public sealed class IssueApiKeyValidator : AbstractValidator<IssueApiKey>
{
    public IssueApiKeyValidator() => RuleFor(x => x.Name).ValidName();
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

        var (key, secret) = ApiKey.Issue(tenantId, request.Name!.Trim(), clock.GetUtcNow());
        session.Insert(key);
        await session.SaveChangesAsync(ct);

        return TypedResults.Created($"/admin/tenants/{tenantId}/api-keys/{key.KeyId}", new ApiKeyIssued(key.KeyId, secret));
    }
}
