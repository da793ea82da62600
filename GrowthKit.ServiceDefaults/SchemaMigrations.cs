using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrowthKit.ServiceDefaults;

/// <summary>One step of a service's schema migration (its Marten store with its hand-written tables, or a table of a service without Marten).</summary>
public interface IDatabaseMigration
{
    string Name { get; }

    /// <summary>Applies every missing change; running it again changes nothing.</summary>
    Task ApplyAsync(CancellationToken ct);

    /// <summary>Throws <see cref="SchemaNotMigratedException"/> when the database lacks a change.</summary>
    Task AssertAppliedAsync(CancellationToken ct);
}

public sealed class SchemaNotMigratedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Who changes the schema. In development a service applies its own changes as it starts; everywhere
/// else (<c>GrowthKit:Schema:ApplyOnStartup</c> false, the default outside Development) it only checks
/// them and refuses to start when they are missing, and <c>dotnet GrowthKit.X.dll db-apply</c>
/// (eng/migrate.sh, the AppHost's <c>*-migrate</c> resources, the Kubernetes migration Job) applies
/// them with the service's own login. Marten runs with <see cref="AutoCreate.None"/> then.
/// </summary>
public static class SchemaMigrations
{
    public const string ApplyOnStartupKey = "GrowthKit:Schema:ApplyOnStartup";
    public const string ApplyCommand = "db-apply";
    public const string BrokerConnectionKey = "ConnectionStrings:messaging";
    public const string AuditSigningKey = "GrowthKit:AuditSigningKey";

    /// <summary>Whether this process was started as <c>dotnet GrowthKit.X.dll db-apply</c>.</summary>
    public static bool IsApplyCommand(IEnumerable<string> args) => args.Skip(1).Contains(ApplyCommand);

    /// <summary>
    /// A <c>db-apply</c> run builds the service's container but never starts it: it needs the database
    /// login only. The settings a service checks as it registers (the broker, the token keys, the
    /// platform secrets) get throwaway values where missing, so the migration Job is given no secret
    /// but its own login. They are never used: nothing that would read them is started.
    /// </summary>
    public static void UseThrowawaySettingsForApplyCommand(IHostApplicationBuilder builder)
    {
        if (!IsApplyCommand(Environment.GetCommandLineArgs())) return;
        var (privateKey, publicKey) = Tenancy.InternalToken.NewKeyPair();
        var throwaway = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var settings = new Dictionary<string, string?>
        {
            // The broker (GrowthKit.Platform.Messaging's Messaging.ConnectionName) and the audit signing key
            // (GrowthKit.Platform.Persistence's AuditSigner.ConfigurationKey): named here by value, because
            // these defaults come before the platform projects; SchemaMigrationTests checks the names agree.
            [BrokerConnectionKey] = "amqp://db-apply.invalid:5672",
            [AuditSigningKey] = throwaway,
            [Tenancy.InternalToken.PublicKeyConfigurationKey] = publicKey,
            [Tenancy.InternalToken.PrivateKeyConfigurationKey] = privateKey,
            [Security.KeyRing.SecretKey] = throwaway,
            ["GrowthKit:AdminKey"] = throwaway,
        };
        builder.Configuration.AddInMemoryCollection(settings.Where(s => string.IsNullOrEmpty(builder.Configuration[s.Key])));
    }

    public static bool ApplyOnStartup(this IHostApplicationBuilder builder) =>
        builder.Configuration.GetValue<bool?>(ApplyOnStartupKey) ?? builder.Environment.IsDevelopment();

    /// <summary>
    /// Adds <paramref name="migration"/> and, once, the start-up step that applies or checks every
    /// migration before any other hosted service starts (the bus's consumers never meet a missing table).
    /// </summary>
    public static IServiceCollection AddDatabaseMigration(this IServiceCollection services, Func<IServiceProvider, IDatabaseMigration> migration)
    {
        services.AddSingleton(migration);
        if (!services.Any(d => d.ImplementationType == typeof(SchemaOnStartup)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService, SchemaOnStartup>());
        }
        return services;
    }

    /// <summary><c>db-apply</c>: applies every migration of the service and exits (0, or 1 with the reason); otherwise runs the service.</summary>
    public static async Task<int> RunOrApplySchemaAsync(this WebApplication app, string[] args)
    {
        if (!args.Contains(ApplyCommand))
        {
            await app.RunAsync();
            return 0;
        }
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GrowthKit.Schema");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            foreach (var migration in app.Services.GetServices<IDatabaseMigration>())
            {
                await migration.ApplyAsync(cts.Token);
                Console.WriteLine($"{ApplyCommand}: {migration.Name} is up to date.");
            }
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "{Command} failed", ApplyCommand);
            Console.Error.WriteLine($"{ApplyCommand}: {e.Message}");
            return 1;
        }
    }

    private sealed class SchemaOnStartup(IEnumerable<IDatabaseMigration> migrations, IConfiguration configuration,
        IHostEnvironment environment, ILogger<SchemaOnStartup> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var apply = configuration.GetValue<bool?>(ApplyOnStartupKey) ?? environment.IsDevelopment();
            foreach (var migration in migrations)
            {
                if (apply)
                {
                    await migration.ApplyAsync(cancellationToken);
                }
                else
                {
                    try
                    {
                        await migration.AssertAppliedAsync(cancellationToken);
                    }
                    catch (SchemaNotMigratedException e)
                    {
                        logger.LogCritical("{Message}", e.Message);
                        throw;
                    }
                }
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
