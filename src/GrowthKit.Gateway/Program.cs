using GrowthKit.Gateway;
using GrowthKit.Gateway.Authorization;
using GrowthKit.Gateway.Docs;
using GrowthKit.Gateway.Proxy;
using GrowthKit.Gateway.Usage;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

// Before authorization, so requests refused for their key are limited too (by client address).
app.UseGrowthKitApi(beforeAuthorization: a => a.UseRateLimiter());
app.UseApiScopes();
app.UseDealQuota();

app.MapDefaultEndpoints();
app.MapApiReference();
app.MapAdminApi();
app.MapOwnUsage();
app.MapGatewayProxy();

// `db-apply` applies the service's schema changes and exits (eng/migrate.sh); otherwise it runs.
return await app.RunOrApplySchemaAsync(args);
