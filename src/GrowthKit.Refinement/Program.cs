using GrowthKit.Refinement;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddRefinementService();

var app = builder.Build();
app.MapRefinementService();

// `db-apply` applies the service's schema changes and exits (eng/migrate.sh); otherwise it runs.
return await app.RunOrApplySchemaAsync(args);
