using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GrowthKit.Gateway.Docs;

/// <summary>
/// The gateway's own document holds only the admin API: it is titled so, and declares the admin
/// key as its bearer credential so the reference at <c>/docs</c> can send it.
/// </summary>
internal sealed class GatewayDocument : IOpenApiDocumentTransformer
{
    private const string SchemeId = "adminKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "GrowthKit gateway (admin)";
        document.Info.Description = "Tenants and their API keys. The tenant API (`/api/**`) is described per service.";

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeId] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The admin key, sent as `Authorization: Bearer` followed by the key.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, document)] = [] }];
        return Task.CompletedTask;
    }
}
