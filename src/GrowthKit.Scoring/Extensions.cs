using GrowthKit.Model.Audit;
using GrowthKit.Platform.Messaging;
using GrowthKit.Platform.Persistence;
using GrowthKit.Platform.Persistence.Audit;
using GrowthKit.Platform.Persistence.Metering;
using GrowthKit.Scoring.Audit;
using GrowthKit.Scoring.LeadsView;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Scoring.Publishing;
using GrowthKit.Scoring.Quarantined;
using GrowthKit.Scoring.Receiving;
using GrowthKit.Scoring.Relaying;
using GrowthKit.Scoring.Rescoring;
using GrowthKit.Scoring.Storage;
using GrowthKit.Scoring.Verifying;
using GrowthKit.Scoring.WinProbability;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Npgsql;

namespace GrowthKit.Scoring;

public static class Extensions
{
    public static IHostApplicationBuilder AddScoringServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrowthKitApi();
        builder.AddTenantAuthentication("scoring");
        builder.Services.AddSingleton(TimeProvider.System);

        var connectionString = builder.Configuration.GetConnectionString(EventStore.ConnectionName)
                               ?? throw new InvalidOperationException($"ConnectionStrings:{EventStore.ConnectionName} is not configured.");
        builder.Services.AddSingleton(_ => new ScoringDatabase(NpgsqlDataSource.Create(connectionString)));
        builder.Services.Configure<RescoringOptions>(builder.Configuration.GetSection(RescoringOptions.Section));
        builder.Services.AddSingleton<RescoringSignal>();
        // The tables are Marten schema objects: the schema step (the first hosted service) applies or checks them.
        builder.Services.AddScoringTables();
        builder.Services.AddHostedService<ScoringServerSettings>();
        builder.AddUsageMeter(ScoringTables.Schema);
        AddAudit(builder);

        builder.AddGrowthKitMessaging("scoring", bus =>
        {
            bus.AddConsumer<LeadsReceivedConsumer>(typeof(LeadsReceivedEndpoint));
            bus.AddConsumer<IcpVersionPublishedConsumer>();
            bus.AddConsumer<WinCalibrationFittedConsumer>();
        });
        builder.AddGrowthKitMarten(ScoringTables.Schema, LedgerEventTypes.Register)
            .AddSubscriptionWithServices<ScoreRelay>(ServiceLifetime.Singleton, o =>
            {
                o.IncludeType<LeadsScored>();
                o.Options.BatchSize = ScoreRelay.PageSize;
            });
        builder.Services.AddHostedService<RescoringWorker>();
        return builder;
    }

    /// <summary>
    /// The score ledger's chain, and the audit routes over every chain of a tenant. The platform's
    /// signing key comes in as a secret parameter (never logged).
    /// </summary>
    private static void AddAudit(IHostApplicationBuilder builder)
    {
        var secret = builder.Configuration[AuditSigner.ConfigurationKey];
        if (string.IsNullOrEmpty(secret)) throw new InvalidOperationException($"{AuditSigner.ConfigurationKey} is not configured.");
        builder.AddAuditChain(ScoreLedger.Chain);
        builder.Services.AddSingleton(sp => new AuditSigner(AuditKey.FromSecret(secret), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<AuditStatus>();
        builder.Services.AddHealthChecks().AddCheck<AuditStatus>("audit", tags: ["audit"]);
        builder.Services.AddHostedService<AuditCheckpointer>();
    }

    public static WebApplication MapScoringApi(this WebApplication app)
    {
        app.MapGroup("api/leads").WithTags("Leads").MapListLeads().MapExportLeads().MapReadQuarantine().MapReadLeads().MapVerifyRecordedScore();
        app.MapGroup("api/icps").WithTags("Re-scoring").MapReadRescoring();
        app.MapAuditApi();
        app.MapUsageEndpoint("scoring", ScoringTables.Schema);
        return app;
    }
}
