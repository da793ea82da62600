using GrowthKit.Icp.Icps;
using GrowthKit.Icp.Icps.Deriving;
using GrowthKit.Icp.Icps.Drafting;
using GrowthKit.Icp.Icps.Editing;
using GrowthKit.Icp.Icps.History;
using GrowthKit.Icp.Icps.Publishing;
using GrowthKit.Icp.Icps.Reading;
using GrowthKit.Icp.Icps.Refining;
using GrowthKit.Icp.Vocabulary;
using GrowthKit.Icp.Workshops;
using GrowthKit.Platform.Messaging;
using GrowthKit.Platform.Persistence;
using GrowthKit.Platform.Persistence.Audit;
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
        builder.AddTenantAuthentication("icp");
        builder.Services.AddSingleton(TimeProvider.System);

        // Every event this service appends is chained for auditors, in the transaction that stores it.
        builder.AddAuditChain(new ChainedService("icp", "icp"));
        // The bus first: the relay publishes into it and must stop before it.
        builder.AddGrowthKitMessaging("icp", bus => bus.AddConsumer<PublishRefinedIcpConsumer>());
        builder.AddGrowthKitMarten("icp", opts =>
            {
                IcpEventTypes.Register(opts);
                opts.Listeners.Add(new AuditChainListener("icp"));
                WorkshopEventTypes.Register(opts);
                opts.Projections.Snapshot<IcpState>(SnapshotLifecycle.Inline);
                opts.Schema.For<TenantVocabulary>();
                opts.Schema.For<RefinedPublication>();
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
        icps.MapEditIcp();
        icps.MapIcpHistory();
        icps.MapDeriveIcp();
        app.MapVocabularyApi();
        app.MapWorkshopApi();
        return app;
    }
}
