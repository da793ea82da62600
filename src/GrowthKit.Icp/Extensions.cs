using GrowthKit.Icp.Icps;
using GrowthKit.Icp.Icps.Drafting;
using GrowthKit.Icp.Icps.Publishing;
using GrowthKit.Icp.Icps.Reading;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using JasperFx.Events.Projections;
using Marten;

namespace GrowthKit.Icp;

public static class Extensions
{
    public static IHostApplicationBuilder AddIcpServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrowthKitApi();
        builder.AddTenantAuthentication();
        builder.Services.AddSingleton(TimeProvider.System);

        // The bus first: the relay publishes into it and must stop before it.
        builder.AddGrowthKitMessaging("icp");
        builder.AddGrowthKitMarten("icp", opts =>
            {
                opts.Events.AddEventType<IcpDrafted>();
                opts.Events.AddEventType<IcpPublished>();
                opts.Projections.Snapshot<IcpState>(SnapshotLifecycle.Inline);
            })
            .AddSubscriptionWithServices<IcpRelay>(ServiceLifetime.Singleton, o =>
            {
                o.IncludeType<IcpPublished>();
            });
        return builder;
    }

    public static WebApplication MapIcpApi(this WebApplication app)
    {
        var icps = app.MapGroup("api/icps").WithTags("ICPs");
        icps.MapDraftIcp();
        icps.MapReadIcps();
        icps.MapPublishIcp();
        return app;
    }
}
