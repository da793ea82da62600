using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>Crashes and restarts one resource of the running system, as an operator's bad day would.</summary>
public static class ResourceProcesses
{
    /// <summary>
    /// SIGKILLs the resource's process and everything below it (Aspire runs a project under a
    /// `dotnet run` launcher): no shutdown hook, no graceful stop.
    /// </summary>
    public static async Task KillAsync(DistributedApplication app, string resource, CancellationToken ct)
    {
        Assert.True(app.ResourceNotifications.TryGetCurrentState(resource, out var current), $"{resource} is unknown");
        var pidProperty = current.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString();
        Assert.True(int.TryParse(pidProperty, out var pid), $"{resource} has no process id ({pidProperty})");

        var tree = Descendants(pid).Prepend(pid).ToList();
        foreach (var id in tree)
        {
            using var kill = Process.Start("kill", ["-KILL", id.ToString()]);
            await kill.WaitForExitAsync(ct);
        }
        await app.ResourceNotifications.WaitForResourceAsync(resource,
            e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), ct);
    }

    public static async Task StartAsync(DistributedApplication app, string resource, CancellationToken ct)
    {
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, ct);
        Assert.True(result.Success, $"starting {resource}: {result.Message}");
        await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks)) yield break;
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            string children;
            try { children = File.ReadAllText(Path.Combine(task, "children")); }
            catch (IOException) { continue; }
            foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
            {
                yield return child;
                foreach (var grandchild in Descendants(child)) yield return grandchild;
            }
        }
    }
}
