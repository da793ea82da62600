using GrowthKit.Leads;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddLeadsService();

var app = builder.Build();
app.MapLeadsService();

// `db-apply` applies the service's schema changes and exits (eng/migrate.sh); otherwise it runs.
return await app.RunOrApplySchemaAsync(args);
