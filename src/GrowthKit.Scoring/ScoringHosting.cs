using GrowthKit.Platform.Messaging.Resilience;
using GrowthKit.ServiceDefaults;

namespace GrowthKit.Scoring;

/// <summary>
/// The whole scoring service in two calls: what its Program.cs runs and what the service tests host, so a
/// test host cannot drift from the service it stands for.
/// </summary>
public static class ScoringHosting
{
    /// <summary>The platform's defaults (telemetry, health, discovery), then everything the service registers.</summary>
    public static WebApplicationBuilder AddScoringService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.AddScoringServices();
        return builder;
    }

    /// <summary>The API pipeline (problems, authentication, authorization, request guard, OpenAPI document), the health and dead-letter endpoints, then the service's routes.</summary>
    public static WebApplication MapScoringService(this WebApplication app)
    {
        app.UseGrowthKitApi();
        app.MapDefaultEndpoints();
        app.MapDeadLetterEndpoints();
        app.MapScoringApi();
        return app;
    }
}
