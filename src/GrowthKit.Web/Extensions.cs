using GrowthKit.Web.Api;
using GrowthKit.ServiceDefaults.Security;
using GrowthKit.Web.Session;

namespace GrowthKit.Web;

public static class WebAppExtensions
{
    public const string PathBase = "/app";
    public const string GatewayUrlKey = "GrowthKit:GatewayUrl";

    /// <summary>The web app's Data Protection ring (it protects the API key kept in the tab's session storage and the antiforgery tokens).</summary>
    public const string DataProtectionApplication = "GrowthKit.Web";
    public const string DataProtectionSchema = "web";

    public static WebApplicationBuilder AddWebApp(this WebApplicationBuilder builder)
    {
        // Framework and wwwroot assets come from the build's static web asset manifest in every
        // environment (./run.sh runs the build output as Production, not a published folder).
        builder.WebHost.UseStaticWebAssets();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddScoped<UserSession>();
        builder.AddPersistedDataProtection(DataProtectionApplication, DataProtectionSchema);

        // The web app is one more API consumer: it calls the public API through the gateway
        // ("gateway" resolves by service discovery) with the signed-in tenant's key.
        var gateway = builder.Configuration[GatewayUrlKey] is { Length: > 0 } url ? url : "http://gateway";
        // No retries: a POST such as publish must not be sent twice; the user sees the error and decides.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient<GatewayApi>(c =>
            {
                c.BaseAddress = new Uri(gateway);
                c.Timeout = TimeSpan.FromSeconds(30);
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
