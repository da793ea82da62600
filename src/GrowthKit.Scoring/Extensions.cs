using GrowthKit.Scoring.LeadsView;
using GrowthKit.Scoring.Scores;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;

namespace GrowthKit.Scoring;

public static class Extensions
{
    public static IHostApplicationBuilder AddScoringServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrowthKitApi();
        builder.AddTenantAuthentication();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddGrowthKitMessaging("scoring", bus =>
        {
            bus.AddConsumer<LeadReceivedConsumer>(typeof(ScoringEndpoint<LeadReceivedConsumer>));
            bus.AddConsumer<IcpVersionPublishedConsumer>(typeof(ScoringEndpoint<IcpVersionPublishedConsumer>));
        });
        builder.AddGrowthKitMarten("scoring", opts =>
        {
            opts.Events.AddEventType<LeadScored>();
            opts.Schema.For<ScoredLead>().Index(x => x.ExternalId);
            opts.Schema.For<PublishedIcp>();
            opts.Schema.For<IcpVersionDefinition>();
        });
        return builder;
    }

    public static WebApplication MapScoringApi(this WebApplication app)
    {
        app.MapGroup("api/leads").WithTags("Leads").MapReadLeads();
        return app;
    }
}
