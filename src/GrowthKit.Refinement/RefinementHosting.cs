using GrowthKit.Platform.Messaging.Resilience;
using GrowthKit.ServiceDefaults;

namespace GrowthKit.Refinement;

/// <summary>
/// The whole refinement service in two calls: what its Program.cs runs and what the service tests host, so a
/// test host cannot drift from the service it stands for.
/// </summary>
public static class RefinementHosting
{
    /// <summary>The platform's defaults (telemetry, health, discovery), then everything the service registers.</summary>
    public static WebApplicationBuilder AddRefinementService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.AddRefinementServices();
        return builder;
    }

    /// <summary>The API pipeline (problems, authentication, authorization, request guard, OpenAPI document), the health and dead-letter endpoints, then the service's routes.</summary>
    public static WebApplication MapRefinementService(this WebApplication app)
    {
        app.UseGrowthKitApi();
        app.MapDefaultEndpoints();
        app.MapDeadLetterEndpoints();
        app.MapRefinementApi();
        return app;
    }
}
