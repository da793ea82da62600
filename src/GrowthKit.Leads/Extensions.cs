using GrowthKit.Leads;
using GrowthKit.Leads.Reading;
using GrowthKit.Leads.Receiving;
using GrowthKit.Platform.Messaging;
using GrowthKit.Platform.Persistence;
using GrowthKit.Platform.Persistence.Metering;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;

namespace GrowthKit.Leads;

public static class Extensions
{
    public static IHostApplicationBuilder AddLeadServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrowthKitApi();
        builder.AddTenantAuthentication("leads");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SnapshotAppender>();

        // The bus first: the relay publishes into it and must stop before it.
        builder.AddGrowthKitMessaging("leads", bus => bus.AddConsumer<ReceiveLeadsConsumer>());
        builder.AddGrowthKitMarten(LeadIntake.LeadsSchema, opts =>
            {
                opts.Events.AddEventType<LeadSnapshotRecorded>();
                opts.Schema.For<IdempotentAnswer>().Duplicate(a => a.CreatedAt);
            })
            .AddSubscriptionWithServices<LeadRelay>(ServiceLifetime.Singleton, o =>
            {
                o.IncludeType<LeadSnapshotRecorded>();
                o.Options.BatchSize = LeadRelay.PageSize;
            });
        builder.AddUsageMeter(LeadIntake.LeadsSchema);
        return builder;
    }

    public static WebApplication MapLeadApi(this WebApplication app)
    {
        app.MapGroup("api/leads").WithTags("Leads")
            .MapReceiveLead()
            .MapReceiveLeadBatch();
        app.MapGroup(ReadLeadFeature.RoutePrefix).MapReadLead();
        app.MapUsageEndpoint("leads", LeadIntake.LeadsSchema);
        return app;
    }
}
