using GrowthKit.Icp;
using GrowthKit.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddIcpService();

var app = builder.Build();
app.MapIcpService();

// `db-apply` applies the service's schema changes and exits (eng/migrate.sh); otherwise it runs.
return await app.RunOrApplySchemaAsync(args);
