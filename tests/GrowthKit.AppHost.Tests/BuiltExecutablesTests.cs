using GrowthKit.AppHost;

namespace GrowthKit.AppHost.Tests;

/// <summary>
/// Every project runs from its built executable (no <c>dotnet run</c> launcher per service), found
/// beside the AppHost's own configuration and framework, and keeps the launcher when there is none.
/// </summary>
public sealed class BuiltExecutablesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("gk-built-");

    [Fact]
    public async Task Every_project_of_the_model_runs_its_built_executable_from_its_project_folder()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GrowthKit_AppHost>(
            [], (options, _) => options.DisableDashboard = true);
        await using var app = await builder.BuildAsync();
        var projects = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().ToList();

        Assert.Equal(["db-setup", "gateway", "icp", "integrations", "leads", "refinement", "scoring", "web"], projects.Select(p => p.Name).Order());
        foreach (var project in projects)
        {
            var annotation = Assert.Single(project.Annotations.OfType<ExecutableAnnotation>());
            var projectPath = project.GetProjectMetadata().ProjectPath;
            var name = Path.GetFileNameWithoutExtension(projectPath);
            Assert.Equal(Path.GetDirectoryName(projectPath), annotation.WorkingDirectory);
            Assert.EndsWith(Path.Combine("bin", Configuration, "net10.0", name), annotation.Command);
            Assert.True(File.Exists(annotation.Command), $"{annotation.Command} is not there");
        }
    }

    [Fact]
    public async Task Can_be_turned_off()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GrowthKit_AppHost>(
            ["--GrowthKit:RunBuiltExecutables=false"], (options, _) => options.DisableDashboard = true);
        await using var app = await builder.BuildAsync();

        Assert.DoesNotContain(app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>(),
            p => p.Annotations.OfType<ExecutableAnnotation>().Any());
    }

    [Fact]
    public void Finds_the_executable_of_the_same_configuration_and_framework()
    {
        var project = Project("Svc", withExecutable: true, withAssembly: true);

        Assert.Equal(Path.Combine(_root.FullName, "Svc", "bin", "Release", "net10.0", "Svc"),
            BuiltExecutables.ExecutableOf(project, AppHostOutput()));
    }

    [Fact]
    public void Keeps_the_launcher_when_the_project_was_not_built_in_that_configuration()
    {
        var project = Project("Svc", withExecutable: true, withAssembly: true);

        Assert.Null(BuiltExecutables.ExecutableOf(project, AppHostOutput("Debug")));
    }

    [Fact]
    public void Keeps_the_launcher_when_the_build_left_no_assembly_beside_the_executable()
    {
        var project = Project("Svc", withExecutable: true, withAssembly: false);

        Assert.Null(BuiltExecutables.ExecutableOf(project, AppHostOutput()));
    }

    [Fact]
    public void Keeps_the_launcher_when_the_apphost_does_not_run_from_a_build_output()
    {
        var project = Project("Svc", withExecutable: true, withAssembly: true);

        Assert.Null(BuiltExecutables.ExecutableOf(project, Path.Combine(_root.FullName, "published")));
    }

    private static string Configuration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private string AppHostOutput(string configuration = "Release") =>
        Path.Combine(_root.FullName, "AppHost", "bin", configuration, "net10.0") + Path.DirectorySeparatorChar;

    private string Project(string name, bool withExecutable, bool withAssembly)
    {
        var output = Directory.CreateDirectory(Path.Combine(_root.FullName, name, "bin", "Release", "net10.0"));
        if (withExecutable) File.WriteAllText(Path.Combine(output.FullName, name), "");
        if (withAssembly) File.WriteAllText(Path.Combine(output.FullName, name + ".dll"), "");
        return Path.Combine(_root.FullName, name, name + ".csproj");
    }

    public void Dispose() => _root.Delete(recursive: true);
}

/// <summary>Every project runs with the workstation garbage collector unless the platform asks for server GC.</summary>
public sealed class GarbageCollectionTests
{
    [Theory]
    [InlineData(null, "0")]
    [InlineData("false", "0")]
    [InlineData("true", null)]
    public async Task Projects_use_the_workstation_collector_unless_server_gc_is_asked_for(string? serverGc, string? expected)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GrowthKit_AppHost>(
            serverGc is null ? [] : [$"--GrowthKit:ServerGc={serverGc}"], (options, _) => options.DisableDashboard = true);
        await using var app = await builder.BuildAsync();

        foreach (var project in app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>())
        {
            var environment = new Dictionary<string, object>();
            var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), project, environment);
            foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>()) await callback.Callback(context);
            Assert.Equal(expected, environment.GetValueOrDefault("DOTNET_gcServer")?.ToString());
        }
    }
}
