using GrowthKit.Integrations.Imports;
using GrowthKit.Integrations.Outbound;
using GrowthKit.Integrations.Webhooks;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Security;
using GrowthKit.ServiceDefaults.Tenancy;

namespace GrowthKit.Integrations;

/// <summary>
/// The integrations service: what comes from outside the API (CRM syncs, CSV imports) and what goes
/// out to tenants' own systems (scores written back to the CRM, webhooks). It talks to the other
/// services over the broker only, with the contracts in GrowthKit.Contracts, and keeps its own state
/// in the <see cref="Schema"/> schema.
/// </summary>
public static class Extensions
{
    public const string Schema = "integrations";

    /// <summary>The Data Protection ring that encrypts what the service must keep secret: CRM tokens, webhook secrets.</summary>
    public const string DataProtectionApplication = "GrowthKit.Integrations";

    /// <summary>The advisory lock id this service's Marten migrations take (any constant other services do not use).</summary>
    public const int MigrationLockId = 0x4E71_0012;

    public static IHostApplicationBuilder AddIntegrationServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrowthKitApi();
        builder.AddTenantAuthentication("integrations");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddPersistedDataProtection(DataProtectionApplication, Schema);
        builder.Services.AddOutboundOptions(builder.Configuration);

        // Hosted services start in order: the imports' and webhooks' tables exist before the bus delivers a message.
        builder.AddImports();
        builder.AddWebhooks();
        // The bus first: anything relaying events publishes into it and must stop before it.
        builder.AddGrowthKitMessaging("integrations", bus => bus.AddWebhookConsumers());
        // Its own migration lock: Marten's default id is shared by every store of the database, so under load this
        // service lost the race to the others' start-up migrations (10 s) and failed to start. Only replicas of this
        // service migrate this schema, so only they need to take turns.
        builder.AddGrowthKitMarten(Schema, opts => opts.ApplyChangesLockId = MigrationLockId);
        return builder;
    }

    public static WebApplication MapIntegrationApi(this WebApplication app)
    {
        app.MapImports();
        app.MapWebhooks();
        return app;
    }
}
