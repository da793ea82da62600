using GrowthKit.AppHost.Supervision;

namespace GrowthKit.AppHost;

/// <summary>
/// One PostgreSQL login per service (GrowthKit.DbSetup creates them with the superuser, then exits):
/// <c>growthkit-{service}</c> is the connection string of <c>growthkit_{service}</c>, which owns the
/// service's schema and can read no other. Passwords are generated per run and set by the set-up at
/// every start, so none is stored.
/// </summary>
public sealed class DatabaseLogins
{
    /// <summary>The logins: the services with a schema, and the auditor (reads the chained schemas, owns the audit schema).</summary>
    public static readonly IReadOnlyList<string> Names = ["gateway", "icp", "leads", "scoring", "refinement", "integrations", "web", "audit"];

    private readonly Dictionary<string, IResourceBuilder<IResourceWithConnectionString>> _connections = [];

    /// <summary>The services with a schema of their own, which eng/migrate.sh migrates (each with its own login).</summary>
    public static readonly IReadOnlyList<string> Migrated = [.. Names.Where(n => n != "audit")];

    private DatabaseLogins(IResourceBuilder<ProjectResource> setup) => Setup = setup;

    /// <summary>The one-shot set-up; everything that logs in waits for it to complete.</summary>
    public IResourceBuilder<ProjectResource> Setup { get; }

    /// <summary>
    /// The one-shot schema migration (eng/migrate.sh: every service's <c>db-apply</c> with its own login),
    /// after the set-up; every service waits for it, since outside development none changes its schema.
    /// </summary>
    public IResourceBuilder<ExecutableResource> Migration { get; private set; } = null!;

    public static string ConnectionName(string login) => $"growthkit-{login}";

    public IResourceBuilder<IResourceWithConnectionString> For(string login) => _connections[login];

    public static DatabaseLogins Add(IDistributedApplicationBuilder builder, GrowthKitInfrastructure infrastructure)
    {
        var setup = builder.AddProject<Projects.GrowthKit_DbSetup>("db-setup")
            .WithEnvironment("ConnectionStrings__postgres-admin", infrastructure.Database.Resource.ConnectionStringExpression)
            .WaitFor(infrastructure.Database)
            .WithAnnotation(new OneShotAnnotation());
        var logins = new DatabaseLogins(setup);
        foreach (var name in Names)
        {
            var password = builder.AddParameter($"db-password-{name}",
                new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
            setup.WithEnvironment($"GrowthKit__Roles__{name}", password);
            logins._connections[name] = builder.AddConnectionString(ConnectionName(name),
                infrastructure.LoginFor($"growthkit_{name}", password));
        }
        var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        logins.Migration = builder.AddExecutable("db-migrate", "bash", repoRoot, "eng/migrate.sh")
            // The services are built with the AppHost, in its configuration.
#if DEBUG
            .WithEnvironment("GROWTHKIT_CONFIGURATION", "Debug")
#else
            .WithEnvironment("GROWTHKIT_CONFIGURATION", "Release")
#endif
            // A service whose build already migrated this database is not started again (a warm start).
            .WithEnvironment("GROWTHKIT_MIGRATE_IF_CHANGED", "true")
            .WaitForCompletion(setup)
            .WithAnnotation(new OneShotAnnotation());
        foreach (var name in Migrated)
        {
            logins.Migration.WithEnvironment($"GROWTHKIT_DB_{name.ToUpperInvariant()}", logins._connections[name].Resource.ConnectionStringExpression);
        }
        return logins;
    }
}

public static class DatabaseLoginExtensions
{
    /// <summary>The service logs in as its own role (ConnectionStrings:growthkit), once the set-up has made it.</summary>
    public static IResourceBuilder<ProjectResource> WithDatabaseLogin(this IResourceBuilder<ProjectResource> project,
        DatabaseLogins logins, string login, string connectionName = "growthkit") =>
        project
            .WithEnvironment($"ConnectionStrings__{connectionName}", logins.For(login).Resource.ConnectionStringExpression)
            .WaitForCompletion(logins.Setup)
            .WaitForCompletion(logins.Migration);
}
