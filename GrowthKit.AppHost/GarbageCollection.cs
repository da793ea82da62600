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
