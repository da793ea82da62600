using Scalar.AspNetCore;

namespace GrowthKit.Gateway.Docs;

public static class ApiReference
{
    /// <summary>
    /// <c>/docs</c>: one interactive reference over the one public document (<see cref="PublicApiDocument"/>);
    /// each service's own document stays at <c>/openapi/{service}.json</c> for its owners. Scripts come from the package, not a CDN, and
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
                .AddDocument("v1", "GrowthKit API", "/openapi/v1.json");
        }).AllowAnonymous();
        return app;
    }
}
