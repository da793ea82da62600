using GrowthKit.AppHost;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace GrowthKit.AppHost.Tests;

/// <summary>
/// The Kubernetes manifests under deploy/ are written by hand; these tests load every one with the
/// typed, strict loader (a misspelt field fails) and hold them to the AppHost: the same services, the
/// same environment names, the same probes, and every secret and setting they name is provided.
/// </summary>
public sealed class DeploymentManifestTests
{
    private static readonly string Deploy = Path.Combine(RepositoryRoot(), "deploy");

    /// <summary>The environment the services read (the rest — OTEL_*, ports — belongs to the host).</summary>
    private static readonly string[] ApplicationPrefixes = ["ConnectionStrings__", "GrowthKit__", "services__"];

    public static TheoryData<string> ManifestFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Deploy, "*.yaml", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(f) != "kustomization.yaml").Order())
        {
            data.Add(Path.GetRelativePath(Deploy, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void Every_manifest_loads_with_the_strict_typed_loader(string file)
    {
        var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Deploy, file)), strict: true);
        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(o));
    }

    [Fact]
    public void The_strict_loader_refuses_a_misspelt_field()
    {
        const string misspelt = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicaz: 2}\n";
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(misspelt, strict: true));
    }

    [Fact]
    public void Every_kustomization_lists_files_that_exist_and_patches_name_objects_of_the_base()
    {
        var baseObjects = Base().Select(o => (o.Kind, o.Metadata.Name)).ToHashSet();
        foreach (var kustomization in Directory.EnumerateFiles(Deploy, "kustomization.yaml", SearchOption.AllDirectories))
        {
            var directory = Path.GetDirectoryName(kustomization)!;
            var root = Load(kustomization);
            foreach (var resource in Strings(root, "resources"))
            {
                var path = Path.Combine(directory, resource);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{kustomization} lists {resource}, which does not exist");
            }
            foreach (var patch in Sequence(root, "patches").Select(p => ((YamlScalarNode)((YamlMappingNode)p)["path"]).Value!))
            {
                var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(directory, patch)), strict: true);
                Assert.All(objects.Cast<IKubernetesObject<V1ObjectMeta>>(), o =>
                    Assert.True(baseObjects.Contains((o.Kind, o.Metadata.Name)), $"{patch} patches {o.Kind}/{o.Metadata.Name}, which the base does not have"));
            }
        }
    }

    [Fact]
    public async Task Every_project_of_the_apphost_is_a_deployment_or_the_migration_job_with_the_same_environment_and_probes()
    {
        var model = await ModelOf();
        var objects = Base();
        var deployments = objects.OfType<V1Deployment>().ToDictionary(d => d.Metadata.Name);
        // db-migrate runs the services' own images (db-apply): checked on its own below.
        var jobs = objects.OfType<V1Job>().Where(j => j.Metadata.Name != "db-migrate").ToDictionary(j => j.Metadata.Name);
        var projects = model.Resources.OfType<ProjectResource>().ToList();

        Assert.Equal(projects.Select(p => p.Name).Order(), deployments.Keys.Concat(jobs.Keys).Order());
        foreach (var project in projects)
        {
            var expected = (await EnvironmentOf(project)).Where(IsApplicationSetting).Order().ToList();
            var container = jobs.TryGetValue(project.Name, out var job)
                ? Assert.Single(job.Spec.Template.Spec.Containers)
                : Assert.Single(deployments[project.Name].Spec.Template.Spec.Containers);
            var actual = container.Env.Select(e => e.Name).Where(IsApplicationSetting).Order().ToList();
            Assert.True(expected.SequenceEqual(actual),
                $"{project.Name}: the AppHost sets [{string.Join(", ", expected)}], the manifest [{string.Join(", ", actual)}]");

            if (job is not null) continue;
            // The AppHost waits for /health; Kubernetes routes traffic on the same check and restarts on /alive.
            var health = project.Annotations.OfType<HealthCheckAnnotation>().Any();
            Assert.True(health, $"{project.Name} has no health check in the AppHost");
            Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
            Assert.Equal("/alive", container.StartupProbe.HttpGet.Path);
            Assert.NotNull(container.Resources.Requests);
            Assert.NotNull(container.Resources.Limits);
            Assert.Contains(objects.OfType<V1Service>(), s => s.Metadata.Name == project.Name);
            Assert.Contains(objects.OfType<V1PodDisruptionBudget>(), p => p.Metadata.Name == project.Name);
            Assert.Contains(objects.OfType<V2HorizontalPodAutoscaler>(), h => h.Spec.ScaleTargetRef.Name == project.Name);
        }
    }

    [Fact]
    public async Task The_migration_job_runs_db_apply_of_every_migrated_service_with_its_own_login_as_the_apphost_does()
    {
        var model = await ModelOf();
        var migrate = Assert.Single(model.Resources.OfType<ExecutableResource>(), r => r.Name == "db-migrate");
        var migrateEnvironment = await EnvironmentOf(migrate);
        Assert.Equal(DatabaseLogins.Migrated.Select(s => $"GROWTHKIT_DB_{s.ToUpperInvariant()}").Order(),
            migrateEnvironment.Where(n => n.StartsWith("GROWTHKIT_DB_", StringComparison.Ordinal)).Order());
        // Every service that logs in waits for the migration to complete (none changes its schema itself).
        foreach (var project in model.Resources.OfType<ProjectResource>().Where(p => p.Name != "db-setup"))
        {
            Assert.Contains(project.Annotations.OfType<WaitAnnotation>(),
                w => w.Resource.Name == "db-migrate" && w.WaitType == WaitType.WaitForCompletion);
        }

        var job = Assert.Single(Base().OfType<V1Job>(), j => j.Metadata.Name == "db-migrate");
        var containers = job.Spec.Template.Spec.Containers.ToDictionary(c => c.Name);
        Assert.Equal(DatabaseLogins.Migrated.Order(), containers.Keys.Order());
        var deployments = Base().OfType<V1Deployment>().ToDictionary(d => d.Metadata.Name);
        foreach (var service in DatabaseLogins.Migrated)
        {
            var container = containers[service];
            Assert.Equal(["db-apply"], container.Args);
            Assert.Equal(Assert.Single(deployments[service].Spec.Template.Spec.Containers).Image, container.Image);
            var connection = Assert.Single(container.Env, e => e.Name == "ConnectionStrings__growthkit").Value;
            Assert.Contains($"Username=growthkit_{service};", connection);
            Assert.Equal($"db-password-{service}", Assert.Single(container.Env, e => e.Name == "DB_PASSWORD").ValueFrom.SecretKeyRef.Key);
        }
    }

    [Fact]
    public void Only_the_gateway_is_reached_from_outside()
    {
        var ingress = Assert.Single(Base().OfType<V1Ingress>());
        var backends = ingress.Spec.Rules.SelectMany(r => r.Http.Paths).Select(p => p.Backend.Service.Name).Distinct();
        Assert.Equal(["gateway"], backends);
    }

    [Fact]
    public void Every_secret_and_setting_a_manifest_names_is_provided()
    {
        var objects = Base();
        var config = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "growthkit-config").Data.Keys.ToHashSet();
        var example = File.ReadAllLines(Path.Combine(Deploy, "overlays", "production", "secrets.env.example"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)[0])
            .ToHashSet();
        var overlay = Load(Path.Combine(Deploy, "overlays", "production", "kustomization.yaml"));
        var generated = Sequence(overlay, "secretGenerator")
            .SelectMany(g => Strings((YamlMappingNode)g, "files"))
            .Select(f => f.Split('=', 2)[0]);
        var secrets = example.Concat(generated).ToHashSet();

        var env = objects.OfType<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers)
            .Concat(objects.OfType<V1Job>().SelectMany(j => j.Spec.Template.Spec.Containers))
            .SelectMany(c => c.Env);
        foreach (var variable in env.Where(e => e.ValueFrom is not null))
        {
            if (variable.ValueFrom.SecretKeyRef is { } secret)
            {
                Assert.Equal("growthkit-secrets", secret.Name);
                Assert.Contains(secret.Key, secrets);
            }
            if (variable.ValueFrom.ConfigMapKeyRef is { } setting)
            {
                Assert.Equal("growthkit-config", setting.Name);
                Assert.Contains(setting.Key, config);
            }
        }
    }

    private static bool IsApplicationSetting(string name) =>
        ApplicationPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    private static List<IKubernetesObject<V1ObjectMeta>> Base()
    {
        var kustomization = Load(Path.Combine(Deploy, "base", "kustomization.yaml"));
        return Strings(kustomization, "resources")
            .SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Deploy, "base", f)), strict: true))
            .Cast<IKubernetesObject<V1ObjectMeta>>()
            .ToList();
    }

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(path));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (YamlSequenceNode)value : [];

    private static IEnumerable<string> Strings(YamlMappingNode node, string key) =>
        Sequence(node, key).Select(n => ((YamlScalarNode)n).Value!);

    private static async Task<IReadOnlyCollection<string>> EnvironmentOf(IResource project)
    {
        var environment = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), project, environment);
        foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>()) await callback.Callback(context);
        return environment.Keys;
    }

    private static async Task<DistributedApplicationModel> ModelOf()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GrowthKit_AppHost>(
            ["--GrowthKit:Infrastructure=local"],
            (options, _) => options.DisableDashboard = true);
        await using var app = await builder.BuildAsync();
        return app.Services.GetRequiredService<DistributedApplicationModel>();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GrowthKit.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("GrowthKit.sln not found above the test's directory.");
    }
}
