using GrowthKit.Leads;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddLeadServices();

var app = builder.Build();

app.UseGrowthKitApi();
app.MapDefaultEndpoints();
app.MapLeadApi();

app.Run();
