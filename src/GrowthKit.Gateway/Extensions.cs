using FluentValidation;
using GrowthKit.Gateway.Admin.AuditLog;
using GrowthKit.Gateway.Admin.CreatingTenant;
using GrowthKit.Gateway.Admin.DeadLetters;
using GrowthKit.Gateway.Admin.IssuingApiKey;
using GrowthKit.Gateway.Admin.Quotas;
using GrowthKit.Gateway.Admin.ReadingTenants;
using GrowthKit.Gateway.Admin.RevokingApiKey;
using GrowthKit.Gateway.Authentication;
using GrowthKit.Gateway.Docs;
using GrowthKit.Gateway.Health;
using GrowthKit.Gateway.Proxy;
using GrowthKit.Gateway.RateLimiting;
using GrowthKit.Gateway.Tenants;
using GrowthKit.Gateway.Usage;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using Microsoft.AspNetCore.OpenApi;

namespace GrowthKit.Gateway;

public static class Extensions
{
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrowthKitApi();
        // Proxied bodies are checked by the service behind the route; the gateway checks its own.
        builder.Services.Configure<GrowthKit.ServiceDefaults.Validation.RequestGuardOptions>(o =>
            o.Skip = context => context.Request.Path.StartsWithSegments("/api"));
        builder.Services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer<PublicApiDocument>());
        builder.Services.AddSingleton<ServiceDocuments>();
        builder.Services.AddHttpClient(ServiceDocuments.ClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddValidatorsFromAssemblyContaining<CreateTenantValidator>(ServiceLifetime.Singleton);

        builder.AddGrowthKitMarten("gateway", opts =>
        {
            // Tenants and keys are looked up before any tenant is known: they belong to none.
            opts.Schema.For<Tenant>().SingleTenanted();
            opts.Schema.For<ApiKey>().SingleTenanted().Index(k => k.KeyId);
            opts.Schema.For<AdminAuditEntry>().SingleTenanted().Index(e => e.TenantId);
        });

        builder.AddGatewayAuthentication();
        builder.AddTenantRateLimiting();
        builder.AddGatewayProxy();
        builder.AddDeadLetterAdmin();
        builder.AddTenantUsage();
        builder.AddDownstreamHealthChecks(ProxyRoutes.Services);
        return builder;
    }

    public static WebApplication MapAdminApi(this WebApplication app)
    {
        var tenants = app.MapGroup("admin/tenants")
            .WithTags("Admin")
            .RequireAuthorization(GatewayAuthentication.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        tenants.MapCreateTenant();
        tenants.MapReadTenants();
        tenants.MapIssueApiKey();
        tenants.MapRevokeApiKey();
        tenants.MapChangeQuota();
        tenants.MapTenantUsage();

        app.MapGroup("admin")
            .WithTags("Admin")
            .RequireAuthorization(GatewayAuthentication.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .MapDeadLetters()
            .MapAdminAuditLog();
        return app;
    }
}
