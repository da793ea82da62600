using GrowthKit.Scoring;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddScoringServices();

var app = builder.Build();

app.UseGrowthKitApi();
app.MapDefaultEndpoints();
app.MapScoringApi();

app.Run();
