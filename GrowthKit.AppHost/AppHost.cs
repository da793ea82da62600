using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using GrowthKit.AppHost;
using GrowthKit.AppHost.Supervision;

var builder = DistributedApplication.CreateBuilder(args);
// No watchdog process of DCP's beside each process (see DcpProcessMonitors).
DcpProcessMonitors.TurnOffUnlessAsked(builder);

// A dependency that fails (its script gives up after a bounded start-up) ends the wait at once,
// so no wait outlives the deadlines in eng/*-server.sh.
builder.Services.Configure<ResourceNotificationServiceOptions>(o =>
    o.DefaultWaitBehavior = WaitBehavior.StopOnResourceUnavailable);

// Where a container runtime answers, Postgres and RabbitMQ run as containers; otherwise as local
// processes. Either way the services see the same two connection strings.
var infrastructure = builder.AddGrowthKitInfrastructure();
var messaging = infrastructure.Messaging;
// Each service logs in as its own role; the superuser's login is used only to create them.
var logins = DatabaseLogins.Add(builder, infrastructure);

// The gateway signs the tokens it hands to services with a private key (ES256) made per run and never
// stored; services get only the public key, so none of them can mint a token.
using var tokenKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
var internalTokenPrivateKey = builder.AddParameter("internal-token-private-key", tokenKey.ExportPkcs8PrivateKeyPem(), secret: true);
var internalTokenPublicKey = builder.AddParameter("internal-token-public-key", tokenKey.ExportSubjectPublicKeyInfoPem());
var adminKey = builder.AddParameter("admin-key",
    new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true);

// The platform's audit signing key (ECDSA P-256, derived from this secret): it must outlive a restart,
// or older checkpoints could no longer be checked, so ./run.sh keeps it under the data directory.
var auditSigningKey = builder.AddParameter("audit-signing-key",
    new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);

// Encrypts the web app's Data Protection keys at rest (in PostgreSQL): it must outlive a restart, or
// everyone would be signed out, so ./run.sh keeps it under the data directory like the audit key.
var webDataProtectionKey = builder.AddParameter("web-data-protection-key",
    new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);

// Likewise for the integrations service's ring (CRM tokens, webhook secrets): a new one would lose them.
var integrationsDataProtectionKey = builder.AddParameter("integrations-data-protection-key",
    new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);

// Every stateless service and the gateway run GrowthKit:Replicas instances (GROWTHKIT_REPLICAS in ./run.sh).
// The web app stays one: a Blazor Server circuit lives in one process's memory (docs/operating-at-scale.md).
var replicas = ServiceResources.Replicas(builder.Configuration);

var icp = builder.AddGrowthKitService<Projects.GrowthKit_Icp>("icp", logins, messaging, internalTokenPublicKey)
    .WithGrowthKitReplicas(replicas);
var leads = builder.AddGrowthKitService<Projects.GrowthKit_Leads>("leads", logins, messaging, internalTokenPublicKey)
    .WithGrowthKitReplicas(replicas);
// The scoring service serves the audit routes: it verifies every chain with the auditor's login.
var scoring = builder.AddGrowthKitService<Projects.GrowthKit_Scoring>("scoring", logins, messaging, internalTokenPublicKey)
    .WithGrowthKitReplicas(replicas)
    .WithDatabaseLogin(logins, "audit", connectionName: "audit")
    .WithEnvironment("GrowthKit__AuditSigningKey", auditSigningKey);
var refinement = builder.AddGrowthKitService<Projects.GrowthKit_Refinement>("refinement", logins, messaging, internalTokenPublicKey)
    .WithGrowthKitReplicas(replicas);
// CRM syncs, CSV imports, score write-back and webhooks: the one service that calls out of the platform.
var integrations = builder.AddGrowthKitService<Projects.GrowthKit_Integrations>("integrations", logins, messaging, internalTokenPublicKey)
    .WithGrowthKitReplicas(replicas)
    .WithEnvironment("GrowthKit__DataProtectionKey", integrationsDataProtectionKey)
    // Outbound calls (CRM base URLs, webhooks) reach private networks only when the platform allows it.
    .WithEnvironment("GrowthKit__AllowPrivateNetworks", builder.Configuration["GrowthKit:AllowPrivateNetworks"] ?? "false");

var gateway = builder.AddProject<Projects.GrowthKit_Gateway>("gateway")
    .WithGatewayEndpoint(builder.Configuration["GrowthKit:Port"])
    .WithGrowthKitReplicas(replicas)
    .WithDatabaseLogin(logins, "gateway")
    .WithReference(icp).WaitFor(icp)
    .WithReference(leads).WaitFor(leads)
    .WithReference(scoring).WaitFor(scoring)
    .WithReference(refinement).WaitFor(refinement)
    .WithReference(integrations).WaitFor(integrations)
    .WithEnvironment("GrowthKit__InternalTokenPrivateKey", internalTokenPrivateKey)
    .WithEnvironment("GrowthKit__AdminKey", adminKey)
    .WithHttpHealthCheck("/health");

// The web app is one more API consumer: it calls the gateway with the signed-in tenant's key, and the
// gateway serves it at /app. It waits for the gateway, so the gateway's /health never waits for it.
var web = builder.AddProject<Projects.GrowthKit_Web>("web")
    .WithHttpEndpoint(name: "http", isProxied: false)
    .WithDatabaseLogin(logins, "web")
    .WithEnvironment("GrowthKit__DataProtectionKey", webDataProtectionKey)
    .WithReference(gateway).WaitFor(gateway)
    .WithHttpHealthCheck("/health");
gateway.WithReference(web);

// Aspire does not restart a process that dies; the supervisor does (GrowthKit:SuperviseServices).
builder.AddServiceSupervision();

// Each project runs from its built executable, not under a `dotnet run` launcher of its own.
builder.UseBuiltExecutables();
// … and with the workstation garbage collector: seven .NET processes share the machine's cores.
builder.UseWorkstationGc();

builder.Build().Run();
