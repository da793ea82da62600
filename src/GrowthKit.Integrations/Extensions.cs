using GrowthKit.Integrations.Connections;
using GrowthKit.Integrations.Imports;
using GrowthKit.Integrations.Outbound;
using GrowthKit.Integrations.Sync;
using GrowthKit.Integrations.Webhooks;
using GrowthKit.Integrations.WriteBack;
using GrowthKit.Platform.Messaging;
using GrowthKit.Platform.Persistence;
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
        builder.AddGrowthKitMessaging("integrations", bus =>
        {
            bus.AddWebhookConsumers();
            bus.AddCrmWriteBack();
        });
        builder.AddGrowthKitMarten(Schema, opts => opts.AddCrmDocuments());
        builder.AddCrmConnections();
        builder.AddCrmSync();
        return builder;
    }

    public static WebApplication MapIntegrationApi(this WebApplication app)
    {
        app.MapImports();
        app.MapWebhooks();
        app.MapConnections();
        return app;
    }
}
