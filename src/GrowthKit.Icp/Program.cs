using GrowthKit.Icp;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIcpServices();

var app = builder.Build();

app.UseGrowthKitApi();
app.MapDefaultEndpoints();
app.MapIcpApi();

app.Run();
