using GrowthKit.Platform.Messaging;
using GrowthKit.Platform.Persistence;
using GrowthKit.Platform.Persistence.Metering;
using GrowthKit.Refinement.Deals;
using GrowthKit.Refinement.Icps;
using GrowthKit.Refinement.Leads;
using GrowthKit.Refinement.Proposals;
using GrowthKit.Refinement.Reports;
using GrowthKit.Refinement.Storage;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using JasperFx.Events.Projections;
using Npgsql;

namespace GrowthKit.Refinement;

public static class Extensions
{
    public static IHostApplicationBuilder AddRefinementServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrowthKitApi();
        builder.AddTenantAuthentication("refinement");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<RefinementOptions>(builder.Configuration.GetSection(RefinementOptions.Section));

        var connectionString = builder.Configuration.GetConnectionString(EventStore.ConnectionName)
                               ?? throw new InvalidOperationException($"ConnectionStrings:{EventStore.ConnectionName} is not configured.");
        builder.Services.AddSingleton(_ => new RefinementDatabase(NpgsqlDataSource.Create(connectionString)));
        builder.Services.AddSingleton<KnownLeads>();
        builder.Services.AddSingleton<ClosedDeals>();
        builder.Services.AddSingleton<RefinementSignal>();
        builder.Services.AddSingleton<DealIntake>();
        builder.Services.AddSingleton<ProposalDesk>();
        // The leads table is a Marten schema object: the schema step (the first hosted service) applies or checks it.
        builder.Services.AddHandWrittenTables($"{RefinementDatabase.Schema}.leads", RefinementDatabase.Ddl);
        builder.AddUsageMeter(RefinementDatabase.Schema);

        builder.AddGrowthKitMessaging("refinement", bus =>
        {
            bus.AddConsumer<IcpVersionPublishedConsumer>();
            bus.AddConsumer<LeadsReceivedConsumer>(typeof(LeadsReceivedEndpoint));
            bus.AddConsumer<RecordDealsConsumer>();
        });
        builder.AddGrowthKitMarten(RefinementDatabase.Schema, opts =>
        {
            opts.Schema.For<KnownIcp>().UseOptimisticConcurrency(true);
            opts.Events.AddEventType<DealClosed>();
            opts.Projections.Snapshot<Deal>(SnapshotLifecycle.Inline);
            opts.Events.AddEventTypes([typeof(ProposalMade), typeof(ProposalAccepted), typeof(ProposalRejected), typeof(RefinementSettingsChanged),
                typeof(EvidenceReviewed), typeof(WinCalibrationFitted)]);
            opts.Projections.Snapshot<IcpRefinement>(SnapshotLifecycle.Inline);
        }).AddSubscriptionWithServices<RefinementRelay>(ServiceLifetime.Singleton, o =>
        {
            foreach (var announced in RefinementRelay.Announced) o.IncludeType(announced);
        });
        builder.Services.AddHostedService<EvidenceReaction>();
        return builder;
    }

    public static WebApplication MapRefinementApi(this WebApplication app)
    {
        app.MapGroup("api/deals").WithTags("Outcomes").MapRecordDeals();
        app.MapUsageEndpoint("refinement", RefinementDatabase.Schema);
        var icps = app.MapGroup("api/icps").WithTags("Refinement");
        icps.MapGapReport();
        icps.MapProposals();
        return app;
    }
}
