using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GrowthKit.Testing;

/// <summary>Crashes, pauses, stops and starts resources of the running system, as an operator's bad day would.</summary>
public static class ResourceProcesses
{
    /// <summary>
    /// The ids of a resource's instances (e.g. <c>scoring-abcdwxyz</c>): one per replica. Every method here takes
    /// an instance id as its resource; a plain name is enough only when the resource has one instance.
    /// </summary>
    public static IReadOnlyList<string> Instances(DistributedApplication app, string resource)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
        // Aspire keeps the instances' DCP names to itself (ResourceExtensions.GetResolvedResourceNames is
        // internal in 13.6); a resource with one instance is found by its name as well.
        var names = (ResolvedNames?.Invoke(null, [model]) as IEnumerable<string>)?.ToArray();
        return names is { Length: > 0 } ? names : [resource];
    }

    private static readonly System.Reflection.MethodInfo? ResolvedNames = typeof(ResourceExtensions).GetMethod(
        "GetResolvedResourceNames", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic,
        [typeof(IResource)]);

    /// <summary>
    /// SIGKILLs the resource's process and everything below it (Aspire runs a project under a
    /// `dotnet run` launcher): no shutdown hook, no graceful stop. Returns once the AppHost has seen
    /// it go — the resource has exited, or the supervisor has already started a new process.
    /// </summary>
    public static async Task KillAsync(DistributedApplication app, string resource, CancellationToken ct)
    {
        var pid = ProcessId(app, resource);
        await SignalAsync(Descendants(pid).Prepend(pid), "KILL", ct);
        await WaitForAsync(app, resource,
            e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text)
                 || (ProcessId(e.Snapshot) is { } now && now != pid), ct);
    }

    /// <summary>Waits until a process other than <paramref name="killed"/> runs the resource (the supervisor started it again).</summary>
    public static Task WaitForNewProcessAsync(DistributedApplication app, string resource, int killed, CancellationToken ct) =>
        WaitForAsync(app, resource,
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && ProcessId(e.Snapshot) is { } now && now != killed, ct);

    /// <summary>Sends SIGSTOP or SIGCONT to every process below the resource's own (its server, not the wrapper script).</summary>
    public static Task PauseAsync(DistributedApplication app, string resource, CancellationToken ct) =>
        SignalAsync(Descendants(ProcessId(app, resource)), "STOP", ct);

    public static Task ResumeAsync(DistributedApplication app, string resource, CancellationToken ct) =>
        SignalAsync(Descendants(ProcessId(app, resource)), "CONT", ct);

    /// <summary>
    /// SIGTERM to the resource's own process (for a server, its wrapper script, which then shuts the
    /// server down in order) and waits until the AppHost has seen it exit. Unlike the stop command, no
    /// DCP timeout can cut a slow orderly shutdown short and leave the resource in an unknown state.
    /// </summary>
    public static async Task TerminateAsync(DistributedApplication app, string resource, CancellationToken ct)
    {
        await SignalAsync([ProcessId(app, resource)], "TERM", ct);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromMinutes(2));
        await WaitForAsync(app, resource,
            e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), bounded.Token);
    }

    /// <summary>The resource's stop command: a deliberate stop, which the supervisor leaves alone.</summary>
    public static async Task StopAsync(DistributedApplication app, string resource, CancellationToken ct)
    {
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, ct);
        // An orderly stop can outlast DCP's wait on a busy machine (RabbitMQ's shutdown through its CLI):
        // DCP then reports a failure while the process still goes. Wait for it to be gone either way.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await WaitForAsync(app, resource,
                e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), bounded.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Assert.Fail($"stopping {resource}: {result.Message ?? "still not stopped after 2 minutes"}");
        }
    }

    public static async Task StartAsync(DistributedApplication app, string resource, CancellationToken ct)
    {
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, ct);
        Assert.True(result.Success, $"starting {resource}: {result.Message}");
        await WaitForHealthyAsync(app, resource, ct);
    }

    /// <summary>
    /// Waits until the resource is healthy, also through exits on the way (a supervised restart):
    /// the AppHost's default wait gives up as soon as a resource is down.
    /// </summary>
    public static Task WaitForHealthyAsync(DistributedApplication app, string resource, CancellationToken ct) =>
        IsInstance(app, resource, out _)
            ? WaitForAsync(app, resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running
                                               && e.Snapshot.HealthStatus == HealthStatus.Healthy, ct)
            : app.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, ct);

    /// <summary>
    /// Waits for an event of <paramref name="resource"/> — a resource's name, or one instance's resource id
    /// (a replicated resource): Aspire's waits match the model's name only, so an instance is matched by id.
    /// </summary>
    private static Task<ResourceEvent> WaitForAsync(DistributedApplication app, string resource, Func<ResourceEvent, bool> predicate, CancellationToken ct) =>
        IsInstance(app, resource, out var model)
            ? app.ResourceNotifications.WaitForResourceAsync(model, e => e.ResourceId == resource && predicate(e), ct)
            : app.ResourceNotifications.WaitForResourceAsync(resource, predicate, ct);

    private static bool IsInstance(DistributedApplication app, string resource, out string model)
    {
        model = resource;
        if (!app.ResourceNotifications.TryGetCurrentState(resource, out var current) || current.Resource.Name == resource) return false;
        model = current.Resource.Name;
        return true;
    }

    /// <summary>
    /// Starts the resource unless it runs (or is being started, by the supervisor for one), and waits
    /// for it to be healthy; should it end up stopped meanwhile, starts it.
    /// </summary>
    public static async Task EnsureRunningAsync(DistributedApplication app, string resource, CancellationToken ct)
    {
        while (true)
        {
            if (!app.ResourceNotifications.TryGetCurrentState(resource, out var current) || IsDown(current.Snapshot))
            {
                await StartAsync(app, resource, ct);
                return;
            }
            var seen = await WaitForAsync(app, resource,
                e => IsDown(e.Snapshot) || (e.Snapshot.State?.Text == KnownResourceStates.Running
                                            && e.Snapshot.HealthStatus == HealthStatus.Healthy), ct);
            if (!IsDown(seen.Snapshot)) return;
        }
    }

    private static bool IsDown(CustomResourceSnapshot snapshot) =>
        KnownResourceStates.TerminalStates.Contains(snapshot.State?.Text) || snapshot.State?.Text == KnownResourceStates.NotStarted;

    public static int ProcessId(DistributedApplication app, string resource)
    {
        Assert.True(app.ResourceNotifications.TryGetCurrentState(resource, out var current), $"{resource} is unknown");
        var pid = ProcessId(current.Snapshot);
        Assert.True(pid is not null, $"{resource} has no process id");
        return pid!.Value;
    }

    private static int? ProcessId(CustomResourceSnapshot snapshot) =>
        int.TryParse(snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString(), out var pid)
            ? pid
            : null;

    private static async Task SignalAsync(IEnumerable<int> pids, string signal, CancellationToken ct)
    {
        var targets = pids.ToList();
        if (targets.Count == 0) return;
        using var kill = Process.Start("kill", [$"-{signal}", .. targets.Select(p => p.ToString())]);
        await kill.WaitForExitAsync(ct);
    }

    /// <summary>Every process below <paramref name="pid"/>, read from /proc (children before grandchildren).</summary>
    public static IEnumerable<int> Descendants(int pid)
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
