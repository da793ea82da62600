using Microsoft.Extensions.Configuration;

namespace GrowthKit.AppHost;

/// <summary>
/// One machine runs every service here, so each uses the workstation garbage collector: one heap and no
/// GC thread per core, instead of ASP.NET Core's default server GC, which sizes itself as if the
/// process had the machine to itself. <c>GrowthKit:ServerGc=true</c> keeps the default. Kubernetes
/// pods (deploy/) are not affected: there each service has its own CPU and memory limits.
/// </summary>
public static class GarbageCollection
{
    public static void UseWorkstationGc(this IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration["GrowthKit:ServerGc"] is { } setting
            && setting.Equals("true", StringComparison.OrdinalIgnoreCase)) return;

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment("DOTNET_gcServer", "0");
        }
    }
}

/// <summary>
/// DCP starts a watchdog process (<c>dcp monitor-process</c>, memory spent per process) beside every process it
/// runs, which ends that process should DCP itself be killed outright. The AppHost already stops DCP's
/// processes when it ends, and DCP stops them when the AppHost dies; only a SIGKILL of DCP alone would
/// leave them behind (eng/stop-leftovers.sh ends the servers then). So the watchdogs are off unless
/// <c>GrowthKit:DcpProcessMonitors=true</c>. DCP inherits the AppHost's environment when it starts.
/// </summary>
public static class DcpProcessMonitors
{
    public const string DisableVariable = "DCP_DISABLE_MONITOR_PROCESS";

    public static void TurnOffUnlessAsked(IDistributedApplicationBuilder builder)
    {
        var wanted = builder.Configuration["GrowthKit:DcpProcessMonitors"] is { } setting
                     && setting.Equals("true", StringComparison.OrdinalIgnoreCase);
        if (!wanted && Environment.GetEnvironmentVariable(DisableVariable) is null)
        {
            Environment.SetEnvironmentVariable(DisableVariable, "true");
        }
    }
}
