using GrowthKit.Gateway;
using GrowthKit.Gateway.Authorization;
using GrowthKit.Gateway.Docs;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.UseGrowthKitApi();
// After authentication: the limiter partitions by the tenant the API key resolved to.
app.UseRateLimiter();
app.UseApiScopes();

app.MapDefaultEndpoints();
app.MapApiReference();
app.MapAdminApi();
app.MapReverseProxy();

app.Run();
