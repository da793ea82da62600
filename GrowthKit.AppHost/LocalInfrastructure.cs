using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using RabbitMQ.Client;

namespace GrowthKit.AppHost;

/// <summary>
/// PostgreSQL and RabbitMQ as local processes, wrapped by the scripts in <c>eng/</c>. DCP picks the
/// ports; passwords are generated per run and set by the scripts at every start, so none is stored.
/// </summary>
public static class LocalInfrastructure
{
    public static GrowthKitInfrastructure Add(IDistributedApplicationBuilder builder)
    {
        var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var dataDir = builder.Configuration["GrowthKit:DataDir"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(repoRoot, ".data");
        var durable = builder.Configuration["GrowthKit:DurableStorage"] is not { } d || !d.Equals("false", StringComparison.OrdinalIgnoreCase);

        var pgPassword = builder.AddParameter("postgres-password",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
        var postgres = builder.AddExecutable("postgres", "bash", repoRoot, "eng/postgres-server.sh")
            .WithEndpoint(name: "tcp", scheme: "tcp", env: "PGPORT", isProxied: false)
            .WithEnvironment("GROWTHKIT_PG_DATA", Path.Combine(dataDir, "postgres"))
            .WithEnvironment("GROWTHKIT_PG_PASSWORD", pgPassword)
            .WithEnvironment("GROWTHKIT_PG_DURABLE", durable ? "true" : "false");
        var pgEndpoint = postgres.GetEndpoint("tcp");
        var db = builder.AddConnectionString(Infrastructure.DatabaseName, ReferenceExpression.Create(
            $"Host=127.0.0.1;Port={pgEndpoint.Property(EndpointProperty.Port)};Username=postgres;Password={pgPassword};Database=postgres"));

        var rabbitPassword = builder.AddParameter("rabbitmq-password",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
        var rabbit = builder.AddExecutable("rabbitmq", "bash", repoRoot, "eng/rabbitmq-server.sh")
            .WithEndpoint(name: "amqp", scheme: "tcp", env: "RABBITMQ_NODE_PORT", isProxied: false)
            .WithEnvironment("GROWTHKIT_RABBITMQ_DATA", Path.Combine(dataDir, "rabbitmq"))
            .WithEnvironment("GROWTHKIT_RABBITMQ_USER", "growthkit")
            .WithEnvironment("GROWTHKIT_RABBITMQ_PASSWORD", rabbitPassword)
            // Least privilege: an application user with no management tag, on a vhost of its own.
            .WithEnvironment("GROWTHKIT_RABBITMQ_VHOST", Infrastructure.VirtualHost)
            .WithEnvironment("GROWTHKIT_RABBITMQ_TAGS", "");
        var amqpEndpoint = rabbit.GetEndpoint("amqp");
        var messaging = builder.AddConnectionString(Infrastructure.MessagingName, ReferenceExpression.Create(
            $"amqp://growthkit:{rabbitPassword}@127.0.0.1:{amqpEndpoint.Property(EndpointProperty.Port)}/{Infrastructure.VirtualHost}"));

        // WaitFor(db) waits for the connection string resource, so the resource carries the server's
        // health check itself: a connection string resource reports Running as soon as its value
        // resolves, and its own WaitFor(server) did not hold every time (services connected to RabbitMQ
        // before the AppHost had seen it healthy).
        AddHealthCheck(builder, [postgres, db], "postgres-ready", db.Resource, CanQueryPostgres);
        AddHealthCheck(builder, [rabbit, messaging], "rabbitmq-ready", messaging.Resource, CanConnectToRabbit);
        db.WaitFor(postgres);
        messaging.WaitFor(rabbit);

        return new GrowthKitInfrastructure(InfrastructureMode.LocalProcesses, db, messaging,
            (user, password) => ReferenceExpression.Create(
                $"Host=127.0.0.1;Port={pgEndpoint.Property(EndpointProperty.Port)};Username={user};Password={password};Database=postgres"));
    }

    private static void AddHealthCheck(IDistributedApplicationBuilder builder, IEnumerable<IResourceBuilder<IResource>> resources,
        string key, IResourceWithConnectionString connection, Func<string, CancellationToken, Task> probe)
    {
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key,
            _ => new ConnectionHealthCheck(connection, probe), HealthStatus.Unhealthy, null,
            TimeSpan.FromSeconds(5)));
        foreach (var resource in resources)
        {
            resource.WithHealthCheck(key);
        }
    }

    private static async Task CanQueryPostgres(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("select 1", connection);
        await command.ExecuteScalarAsync(ct);
    }

    private static async Task CanConnectToRabbit(string connectionString, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(connectionString) };
        await using var connection = await factory.CreateConnectionAsync(ct);
    }

    private sealed class ConnectionHealthCheck(IResourceWithConnectionString resource,
        Func<string, CancellationToken, Task> probe) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                var connectionString = await resource.ConnectionStringExpression.GetValueAsync(ct)
                                       ?? throw new InvalidOperationException("No connection string yet.");
                await probe(connectionString, ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy(e.GetType().Name, e);
            }
        }
    }
}
