using GrowthKit.AppHost;

namespace GrowthKit.AppHost.Tests;

/// <summary>
/// The container branch cannot start on a machine without a container runtime, so these tests
/// check the application model each branch builds: which resources exist and what the services
/// are wired to. Nothing is started.
/// </summary>
public sealed class InfrastructureChoiceTests
{
    [Theory]
    [InlineData("containers", true, InfrastructureMode.Containers)]
    [InlineData("containers", false, InfrastructureMode.Containers)]
    [InlineData("local", true, InfrastructureMode.LocalProcesses)]
    [InlineData(null, true, InfrastructureMode.Containers)]
    [InlineData(null, false, InfrastructureMode.LocalProcesses)]
    [InlineData("", false, InfrastructureMode.LocalProcesses)]
    public void Chooses_containers_only_when_asked_or_a_runtime_answers(string? setting, bool runtimeAnswers,
        InfrastructureMode expected) =>
        Assert.Equal(expected, Infrastructure.Choose(setting, () => runtimeAnswers));

    [Fact]
    public async Task Container_branch_models_postgres_and_rabbitmq_as_containers()
    {
        var model = await ModelOf("containers");

        var postgres = Assert.Single(model.Resources.OfType<PostgresServerResource>());
        Assert.True(postgres.TryGetLastAnnotation<ContainerImageAnnotation>(out _));
        var database = Assert.Single(model.Resources.OfType<PostgresDatabaseResource>());
        Assert.Equal(Infrastructure.DatabaseName, database.Name);
        var rabbit = Assert.Single(model.Resources.OfType<RabbitMQServerResource>());
        Assert.Equal(Infrastructure.MessagingName, rabbit.Name);
        Assert.DoesNotContain(model.Resources.OfType<ExecutableResource>(), r => r.Name is "postgres" or "rabbitmq");

        AssertServicesReference(model, Infrastructure.DatabaseName, Infrastructure.MessagingName);
    }

    [Fact]
    public async Task Local_branch_models_postgres_and_rabbitmq_as_local_processes_behind_the_same_connection_names()
    {
        var model = await ModelOf("local");

        Assert.Empty(model.Resources.OfType<ContainerResource>());
        // Aspire adds a "*-rebuilder" executable per project; only the servers matter here.
        var executables = model.Resources.OfType<ExecutableResource>()
            .Where(r => r.Name is "postgres" or "rabbitmq").ToDictionary(r => r.Name);
        Assert.Equal(2, executables.Count);
        Assert.Contains("eng/postgres-server.sh", await ArgsOf(executables["postgres"]));
        Assert.Contains("eng/rabbitmq-server.sh", await ArgsOf(executables["rabbitmq"]));
        Assert.All(executables.Values, e => Assert.True(e.TryGetAnnotationsOfType<HealthCheckAnnotation>(out _),
            $"{e.Name} needs a health check so that WaitFor means ready"));

        var connectionNames = model.Resources.OfType<ConnectionStringResource>().Select(r => r.Name).ToHashSet();
        Assert.Contains(Infrastructure.DatabaseName, connectionNames);
        Assert.Contains(Infrastructure.MessagingName, connectionNames);

        AssertServicesReference(model, Infrastructure.DatabaseName, Infrastructure.MessagingName);
    }

    [Fact]
    public async Task Gateway_is_the_only_external_entry_and_references_every_service()
    {
        var model = await ModelOf("local");
        var projects = model.Resources.OfType<ProjectResource>().ToDictionary(p => p.Name);

        Assert.Equal(["db-setup", "gateway", "icp", "integrations", "leads", "refinement", "scoring", "web"], projects.Keys.Order());
        var external = projects.Values
            .Where(p => p.Annotations.OfType<EndpointAnnotation>().Any(e => e.IsExternal))
            .Select(p => p.Name);
        Assert.Equal(["gateway"], external);

        var gatewayWaitsFor = WaitsFor(projects["gateway"]);
        Assert.Superset(new HashSet<string> { "icp", "leads", "scoring", "refinement", "integrations" }, gatewayWaitsFor);
    }

    [Fact]
    public async Task Web_app_keeps_its_data_protection_keys_in_the_database_encrypted_under_a_platform_secret()
    {
        var model = await ModelOf("local");
        var web = model.Resources.OfType<ProjectResource>().Single(p => p.Name == "web");

        // It logs in as its own role (growthkit_web owns the schema web), once the set-up has made it.
        Assert.Contains("db-setup", WaitsFor(web));
        var secret = model.Resources.OfType<ParameterResource>().Single(p => p.Name == "web-data-protection-key");
        Assert.True(secret.Secret);
        var environment = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), web, environment);
        foreach (var callback in web.Annotations.OfType<EnvironmentCallbackAnnotation>()) await callback.Callback(context);
        Assert.True(environment.ContainsKey("GrowthKit__DataProtectionKey"));
        Assert.True(environment.ContainsKey("ConnectionStrings__growthkit"));
    }

    /// <summary>
    /// The superuser's database connection reaches only the set-up, which the services wait for: they
    /// log in as their own roles (growthkit-{service}).
    /// </summary>
    private static void AssertServicesReference(DistributedApplicationModel model, string database, string messaging)
    {
        var projects = model.Resources.OfType<ProjectResource>().ToDictionary(p => p.Name);
        Assert.Contains(database, WaitsFor(projects["db-setup"]));
        var logins = model.Resources.OfType<ConnectionStringResource>().Select(r => r.Name).ToHashSet();
        foreach (var service in new[] { "icp", "leads", "scoring", "refinement", "integrations" })
        {
            var waits = WaitsFor(projects[service]);
            Assert.Contains("db-setup", waits);
            Assert.DoesNotContain(database, waits);
            Assert.Contains(messaging, waits);
            Assert.Contains($"growthkit-{service}", logins);
        }
        Assert.Contains("db-setup", WaitsFor(projects["gateway"]));
    }

    private static HashSet<string> WaitsFor(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToHashSet();

    private static async Task<List<string>> ArgsOf(ExecutableResource executable)
    {
        var args = new List<object>();
        foreach (var annotation in executable.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await annotation.Callback(new CommandLineArgsCallbackContext(args));
        }
        return args.Select(a => a.ToString() ?? "").ToList();
    }

    private static async Task<DistributedApplicationModel> ModelOf(string infrastructure)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GrowthKit_AppHost>(
            [$"--GrowthKit:Infrastructure={infrastructure}"],
            (options, _) => options.DisableDashboard = true);
        await using var app = await builder.BuildAsync();
        return app.Services.GetRequiredService<DistributedApplicationModel>();
    }
}
