using Microsoft.Extensions.DependencyInjection;
using GrowthKit.AppHost;
using GrowthKit.AppHost.Supervision;

var builder = DistributedApplication.CreateBuilder(args);

// A dependency that fails (its script gives up after a bounded start-up) ends the wait at once,
// so no wait outlives the deadlines in eng/*-server.sh.
builder.Services.Configure<ResourceNotificationServiceOptions>(o =>
    o.DefaultWaitBehavior = WaitBehavior.StopOnResourceUnavailable);

// Where a container runtime answers, Postgres and RabbitMQ run as containers; otherwise as local
// processes. Either way the services see the same two connection strings.
var infrastructure = builder.AddGrowthKitInfrastructure();
var db = infrastructure.Database;
var messaging = infrastructure.Messaging;

// Signs the tokens the gateway hands to services; generated per run, never stored.
var internalTokenKey = builder.AddParameter("internal-token-key",
    new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);
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

var icp = builder.AddGrowthKitService<Projects.GrowthKit_Icp>("icp", db, messaging, internalTokenKey);
var leads = builder.AddGrowthKitService<Projects.GrowthKit_Leads>("leads", db, messaging, internalTokenKey);
var scoring = builder.AddGrowthKitService<Projects.GrowthKit_Scoring>("scoring", db, messaging, internalTokenKey)
    .WithEnvironment("GrowthKit__AuditSigningKey", auditSigningKey);
var refinement = builder.AddGrowthKitService<Projects.GrowthKit_Refinement>("refinement", db, messaging, internalTokenKey);

var gateway = builder.AddProject<Projects.GrowthKit_Gateway>("gateway")
    .WithGatewayEndpoint(builder.Configuration["GrowthKit:Port"])
    .WithReference(db).WaitFor(db)
    .WithReference(icp).WaitFor(icp)
    .WithReference(leads).WaitFor(leads)
    .WithReference(scoring).WaitFor(scoring)
    .WithReference(refinement).WaitFor(refinement)
    .WithEnvironment("GrowthKit__InternalTokenKey", internalTokenKey)
    .WithEnvironment("GrowthKit__AdminKey", adminKey)
    .WithHttpHealthCheck("/health");

// The web app is one more API consumer: it calls the gateway with the signed-in tenant's key, and the
// gateway serves it at /app. It waits for the gateway, so the gateway's /health never waits for it.
var web = builder.AddProject<Projects.GrowthKit_Web>("web")
    .WithHttpEndpoint(name: "http")
    .WithReference(db).WaitFor(db)
    .WithEnvironment("GrowthKit__DataProtectionKey", webDataProtectionKey)
    .WithReference(gateway).WaitFor(gateway)
    .WithHttpHealthCheck("/health");
gateway.WithReference(web);

// Aspire does not restart a process that dies; the supervisor does (GrowthKit:SuperviseServices).
builder.AddServiceSupervision();

builder.Build().Run();
