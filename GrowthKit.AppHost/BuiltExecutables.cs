using Microsoft.Extensions.Configuration;

namespace GrowthKit.AppHost;

/// <summary>
/// Runs each project from the executable its build left, instead of through a <c>dotnet run</c>
/// launcher: the launcher is a second .NET process per service (a whole runtime's memory each, doing
/// nothing after the start) and it re-evaluates the project on every start.
/// </summary>
/// <remarks>
/// Aspire 13.6 launches a project resource with the command of its <see cref="ExecutableAnnotation"/>
/// when it has one, and then adds none of the <c>run --project … --no-launch-profile</c> arguments; the
/// environment (endpoints, connection strings, OTEL settings) is the same. The executable is the
/// one built beside the AppHost's own configuration and target framework (the AppHost's build builds
/// every project it references); when it is missing — a project never built in this configuration —
/// the project keeps the launcher. <c>GrowthKit:RunBuiltExecutables=false</c> turns this off.
/// </remarks>
public static class BuiltExecutables
{
    public static void UseBuiltExecutables(this IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration["GrowthKit:RunBuiltExecutables"] is { } setting
            && setting.Equals("false", StringComparison.OrdinalIgnoreCase)) return;

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            if (project.Annotations.OfType<ExecutableAnnotation>().Any()) continue;
            if (ExecutableOf(project.GetProjectMetadata().ProjectPath, AppContext.BaseDirectory) is not { } executable) continue;
            project.Annotations.Add(new ExecutableAnnotation
            {
                Command = executable,
                // Where `dotnet run` would start it: the project folder is the content root.
                WorkingDirectory = Path.GetDirectoryName(project.GetProjectMetadata().ProjectPath)!,
            });
        }
    }

    /// <summary>
    /// The project's built apphost for the configuration and target framework the AppHost runs from
    /// (<c>…/bin/{configuration}/{framework}/</c>), or null when there is none.
    /// </summary>
    public static string? ExecutableOf(string projectPath, string appHostBaseDirectory)
    {
        var output = new DirectoryInfo(appHostBaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (output.Parent is not { } configuration || configuration.Parent?.Name != "bin") return null;
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var folder = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration.Name, output.Name);
        var executable = Path.Combine(folder, OperatingSystem.IsWindows() ? name + ".exe" : name);
        // The assembly beside it must be there too: an apphost without it is a half-finished build.
        return File.Exists(executable) && File.Exists(Path.Combine(folder, name + ".dll")) ? executable : null;
    }
}
