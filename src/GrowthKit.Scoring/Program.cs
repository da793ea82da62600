using GrowthKit.Scoring;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddScoringServices();

var app = builder.Build();

app.UseGrowthKitApi();
app.MapDefaultEndpoints();
app.MapScoringApi();

// `db-apply` applies the service's schema changes and exits (eng/migrate.sh); otherwise it runs.
return await app.RunOrApplySchemaAsync(args);
