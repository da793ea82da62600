using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using DotNet.Testcontainers.Configurations;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace GrowthKit.Services.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL and one real RabbitMQ for the whole run: containers where Testcontainers
/// reaches a Docker engine, otherwise the repository's own scripts as local processes. Each test
/// class isolates itself inside them (its own database, its own tenants, its own queues).
/// </summary>
public sealed class TestServers : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly List<IAsyncDisposable> _servers = [];
    private string? _dataDir;

    public string PostgresConnectionString { get; private set; } = "";

    /// <summary>amqp://user:password@127.0.0.1:port, the form <c>ConnectionStrings:messaging</c> takes.</summary>
    public string RabbitMqConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        try
        {
            if (TestcontainersSettings.OS.DockerEndpointAuthConfig is not null)
            {
                await StartContainersAsync();
            }
            else
            {
                await StartLocalProcessesAsync();
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartContainersAsync()
    {
        var postgres = new PostgreSqlBuilder("postgres:15-alpine").Build();
        var rabbit = new RabbitMqBuilder("rabbitmq:3.13-alpine").Build();
        _servers.Add(postgres);
        _servers.Add(rabbit);
        await Task.WhenAll(postgres.StartAsync(), rabbit.StartAsync());
        PostgresConnectionString = postgres.GetConnectionString();
        RabbitMqConnectionString = rabbit.GetConnectionString();
    }

    private async Task StartLocalProcessesAsync()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("The eng/ server scripts need Linux.");
        // The postgres user must reach the cluster folder: a world-traversable root, not under /root.
        var root = Environment.GetEnvironmentVariable("GROWTHKIT_TEST_DATA_ROOT") is { Length: > 0 } configured
            ? configured
            : "/tmp/growthkit-tests";
        const UnixFileMode traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                         | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                                         | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(root, traversable);
        _dataDir = Directory.CreateDirectory(Path.Combine(root, "services-" + Guid.NewGuid().ToString("N")[..12]), traversable).FullName;

        var pgPassword = Secret();
        const string rabbitUser = "growthkit";
        var rabbitPassword = Secret();

        var postgres = StartOnFreePortAsync(port => ServerProcess.StartAsync("postgres-server.sh", new Dictionary<string, string>
        {
            ["PGPORT"] = port.ToString(),
            ["GROWTHKIT_PG_DATA"] = Path.Combine(_dataDir, "postgres"),
            ["GROWTHKIT_PG_PASSWORD"] = pgPassword,
            ["GROWTHKIT_PG_DURABLE"] = "false",
        }, "postgres-server: ready on ", StartTimeout));
        var rabbit = StartOnFreePortAsync(port => ServerProcess.StartAsync("rabbitmq-server.sh", new Dictionary<string, string>
        {
            ["RABBITMQ_NODE_PORT"] = port.ToString(),
            ["GROWTHKIT_RABBITMQ_DATA"] = Path.Combine(_dataDir, "rabbitmq"),
            ["GROWTHKIT_RABBITMQ_USER"] = rabbitUser,
            ["GROWTHKIT_RABBITMQ_PASSWORD"] = rabbitPassword,
        }, "rabbitmq-server: ready on ", StartTimeout));

        // Both start side by side; whichever did start is stopped again if the other failed.
        try
        {
            await Task.WhenAll(postgres, rabbit);
        }
        finally
        {
            foreach (var started in new[] { postgres, rabbit }.Where(t => t.IsCompletedSuccessfully))
            {
                _servers.Add(started.Result.Server);
            }
        }

        PostgresConnectionString =
            $"Host=127.0.0.1;Port={postgres.Result.Port};Username=postgres;Password={pgPassword};Database=postgres;Maximum Pool Size=50";
        RabbitMqConnectionString = $"amqp://{rabbitUser}:{rabbitPassword}@127.0.0.1:{rabbit.Result.Port}";
    }

    /// <summary>
    /// A free port is only free until someone takes it: a server that exits during start-up (the port
    /// was taken in between) is tried again on another one.
    /// </summary>
    private static async Task<(ServerProcess Server, int Port)> StartOnFreePortAsync(Func<int, Task<ServerProcess>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            try
            {
                return (await start(port), port);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>A new, empty database on the shared server, for one fixture; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        var failures = new List<Exception>();
        // Stopped side by side: RabbitMQ's orderly shutdown takes a few seconds.
        await Task.WhenAll(_servers.Select(async server =>
        {
            try
            {
                await server.DisposeAsync();
            }
            catch (Exception e)
            {
                lock (failures) failures.Add(e);
            }
        }));
        _servers.Clear();

        if (_dataDir is not null && Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        if (failures.Count > 0) throw new AggregateException("A test server did not stop cleanly.", failures);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Letters and digits only: it goes into a URI and a connection string unescaped.
    private static string Secret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}

[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<TestServers>
{
    public const string Name = "Real PostgreSQL and RabbitMQ";
}
