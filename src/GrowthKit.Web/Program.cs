using GrowthKit.ServiceDefaults;
using GrowthKit.Web;
using GrowthKit.Web.Components;
using GrowthKit.Web.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebApp();

var app = builder.Build();

app.UseSecurityHeaders();
// Served through the gateway under /app; requests straight to the web app work with or without it.
// Routing must run after the path base is stripped, or /app/_blazor matches nothing.
app.UsePathBase(WebAppExtensions.PathBase);
app.UseRouting();
app.UseAntiforgery();

app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

// `db-apply` applies the service's schema changes and exits (eng/migrate.sh); otherwise it runs.
return await app.RunOrApplySchemaAsync(args);
