using GrowthKit.Gateway.Proxy;
using Scalar.AspNetCore;

namespace GrowthKit.Gateway.Docs;

public static class ApiReference
{
    /// <summary>
    /// <c>/docs</c>: one interactive reference over the gateway's own document and each service's
    /// (proxied as <c>/openapi/{service}.json</c>). Scripts come from the package, not a CDN, and
    /// nothing is fetched from elsewhere: no web fonts, no telemetry, no hosted AI agent, no
    /// developer toolbar (its buttons lead to scalar.com).
    /// </summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapScalarApiReference("/docs", o =>
        {
            o.WithTitle("GrowthKit API")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .HideDeveloperTools()
                .WithDynamicBaseServerUrl()
                .AddServer("/", "GrowthKit gateway")
                .AddDocument("v1", "Gateway (admin)", "/openapi/v1.json");
            foreach (var service in ProxyRoutes.Services)
            {
                o.AddDocument(service, $"{service} service", $"/openapi/{service}.json");
            }
        }).AllowAnonymous();
        return app;
    }
}
