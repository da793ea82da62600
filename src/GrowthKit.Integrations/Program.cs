using GrowthKit.Integrations;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIntegrationServices();

var app = builder.Build();

app.UseGrowthKitApi();
app.MapDefaultEndpoints();
app.MapIntegrationApi();

app.Run();
