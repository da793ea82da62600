using GrowthKit.Scoring;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddScoringService();

var app = builder.Build();
app.MapScoringService();

// `db-apply` applies the service's schema changes and exits (eng/migrate.sh); otherwise it runs.
return await app.RunOrApplySchemaAsync(args);
