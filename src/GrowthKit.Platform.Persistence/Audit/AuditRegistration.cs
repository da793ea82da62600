using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GrowthKit.Platform.Persistence.Audit;

/// <summary>The audit schema's connection, apart from Marten's: the chain spans the services' stores.</summary>
public sealed class AuditDatabase(NpgsqlDataSource dataSource)
{
    public NpgsqlDataSource DataSource => dataSource;
}

public static class AuditRegistration
{
    /// <summary>The auditor's login (ConnectionStrings:audit), where the database has one: it reads every chained schema.</summary>
    public const string AuditorConnectionName = "audit";

    /// <summary>
    /// A service that appends chained events: the audit tables exist and its one-time chain build has
    /// run before it serves. Register before the bus, whose consumers append. The audit connection is
    /// the auditor's login where one is configured (the service that verifies every chain), else the
    /// service's own.
    /// </summary>
    public static IHostApplicationBuilder AddAuditChain(this IHostApplicationBuilder builder, ChainedService service)
    {
        var connectionString = builder.Configuration.GetConnectionString(AuditorConnectionName)
                               ?? builder.Configuration.GetConnectionString(EventStore.ConnectionName)
                               ?? throw new InvalidOperationException($"ConnectionStrings:{EventStore.ConnectionName} is not configured.");
        builder.Services.AddSingleton(new AuditDatabase(NpgsqlDataSource.Create(connectionString)));
        builder.Services.AddHostedService(sp => new AuditChainStartup(sp.GetRequiredService<AuditDatabase>(), service,
            sp.GetRequiredService<ILogger<AuditChainStartup>>()));
        return builder;
    }
}

internal sealed class AuditChainStartup(AuditDatabase database, ChainedService service, ILogger<AuditChainStartup> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await AuditTables.EnsureAsync(database.DataSource, cancellationToken);
        if (await AuditBackfill.RunOnceAsync(database.DataSource, service, cancellationToken) is { } built)
        {
            logger.LogInformation("Audit chain of {Service} built once over {Events} existing events of {Tenants} tenants",
                service.Name, built.Events, built.Tenants);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
