using GrowthKit.Leads.Leads;
using GrowthKit.Leads.Leads.Receiving;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;

namespace GrowthKit.Leads;

public static class Extensions
{
    public static IHostApplicationBuilder AddLeadServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrowthKitApi();
        builder.AddTenantAuthentication();
        builder.Services.AddSingleton(TimeProvider.System);

        // The bus first: the relay publishes into it and must stop before it.
        builder.AddGrowthKitMessaging("leads");
        builder.AddGrowthKitMarten("leads", opts => opts.Events.AddEventType<LeadSnapshotRecorded>())
            .AddSubscriptionWithServices<LeadRelay>(ServiceLifetime.Singleton, o =>
            {
                o.IncludeType<LeadSnapshotRecorded>();
            });
        return builder;
    }

    public static WebApplication MapLeadApi(this WebApplication app)
    {
        app.MapGroup("api/leads").WithTags("Leads").MapReceiveLead();
        return app;
    }
}
