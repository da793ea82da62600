using GrowthKit.Integrations;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddIntegrationsService();

var app = builder.Build();
app.MapIntegrationsService();

// `db-apply` applies the service's schema changes and exits (eng/migrate.sh); otherwise it runs.
return await app.RunOrApplySchemaAsync(args);
