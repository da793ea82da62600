using System.Text.Json;
using GrowthKit.Services.Tests.Infrastructure;

namespace GrowthKit.Services.Tests.Conventions;

/// <summary>
/// The shared code is three layers: GrowthKit.ServiceDefaults (Aspire's defaults and the HTTP API's),
/// GrowthKit.Platform.Persistence (Marten) and GrowthKit.Platform.Messaging (MassTransit). The web app
/// carries neither platform layer, and the gateway, which keeps its tenants and keys in Marten, no bus.
/// Read from each project's restore graph (obj/project.assets.json), which lists every package it
/// carries, transitive ones included.
/// </summary>
public sealed class PlatformLayeringTests
{
    [Theory]
    [InlineData("GrowthKit.ServiceDefaults", "Marten", "MassTransit", "RabbitMQ.Client", "GrowthKit.Platform.Persistence", "GrowthKit.Platform.Messaging")]
    [InlineData("src/GrowthKit.Web", "Marten", "MassTransit", "RabbitMQ.Client", "GrowthKit.Platform.Persistence", "GrowthKit.Platform.Messaging")]
    [InlineData("src/GrowthKit.Gateway", "MassTransit", "RabbitMQ.Client", "GrowthKit.Platform.Messaging")]
    [InlineData("src/GrowthKit.Platform.Persistence", "MassTransit", "RabbitMQ.Client", "GrowthKit.Platform.Messaging")]
    public void A_project_does_not_carry_a_layer_above_it(string project, params string[] forbidden)
    {
        var carried = Libraries(project);

        var found = carried.Where(library => forbidden.Any(f => library.Equals(f, StringComparison.OrdinalIgnoreCase)
                                                                || library.StartsWith(f + ".", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        Assert.True(found.Count == 0, $"{project} carries {string.Join(", ", found)}.");
    }

    [Theory]
    [InlineData("src/GrowthKit.Scoring")]
    [InlineData("src/GrowthKit.Gateway")]
    public void The_check_reads_a_real_restore_graph(string project)
    {
        // Guards the guard: a service must show Marten in the same graph, or the check above reads nothing.
        Assert.Contains(Libraries(project), library => library.Equals("Marten", StringComparison.OrdinalIgnoreCase));
    }

    private static List<string> Libraries(string project)
    {
        var assets = Path.Combine(RepoRoot.Path, project, "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: build the solution first.");
        using var document = JsonDocument.Parse(File.ReadAllText(assets));
        // "libraries" is keyed "Name/Version", packages and projects alike.
        return document.RootElement.GetProperty("libraries").EnumerateObject()
            .Select(library => library.Name.Split('/')[0])
            .ToList();
    }
}
