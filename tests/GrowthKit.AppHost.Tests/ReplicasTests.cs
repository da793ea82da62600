using GrowthKit.AppHost;
using Microsoft.Extensions.Configuration;

namespace GrowthKit.AppHost.Tests;

/// <summary>GROWTHKIT_REPLICAS (GrowthKit:Replicas): which resources it multiplies, and which values it refuses.</summary>
public sealed class ReplicasTests
{
    private static readonly string[] Scaled = ["gateway", "icp", "integrations", "leads", "refinement", "scoring"];

    [Theory]
    [InlineData(null, 1)]
    [InlineData("", 1)]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    [InlineData("8", 8)]
    public void Reads_the_replica_count(string? setting, int expected) =>
        Assert.Equal(expected, ServiceResources.Replicas(Configuration(setting)));

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("9")]
    [InlineData("two")]
    [InlineData("1.5")]
    public void Refuses_a_replica_count_that_is_not_a_whole_number_from_1_to_8(string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServiceResources.Replicas(Configuration(setting)));
        Assert.Contains("GROWTHKIT_REPLICAS", error.Message);
    }

    [Fact]
    public async Task Two_replicas_of_every_service_and_the_gateway_but_one_web_app()
    {
        var projects = await ProjectsOf("2");

        foreach (var name in Scaled)
        {
            Assert.Equal(2, ReplicaCount(projects[name]));
        }
        // Blazor Server circuits live in one process: the web app is not multiplied.
        Assert.Equal(1, ReplicaCount(projects["web"]));
        Assert.Equal(1, ReplicaCount(projects["db-setup"]));
    }

    [Fact]
    public async Task One_replica_of_each_by_default()
    {
        var projects = await ProjectsOf(null);

        Assert.All(projects.Values, p => Assert.Equal(1, ReplicaCount(p)));
    }

    private static int ReplicaCount(ProjectResource project) =>
        project.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;

    private static IConfiguration Configuration(string? replicas) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ServiceResources.ReplicasKey] = replicas }).Build();

    private static async Task<Dictionary<string, ProjectResource>> ProjectsOf(string? replicas)
    {
        string[] args = replicas is null
            ? ["--GrowthKit:Infrastructure=local"]
            : ["--GrowthKit:Infrastructure=local", $"--GrowthKit:Replicas={replicas}"];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GrowthKit_AppHost>(
            args, (options, _) => options.DisableDashboard = true);
        await using var app = await builder.BuildAsync();
        return app.Services.GetRequiredService<DistributedApplicationModel>()
            .Resources.OfType<ProjectResource>().ToDictionary(p => p.Name);
    }
}
