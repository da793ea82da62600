namespace GrowthKit.Services.Tests.Infrastructure;

internal static class RepoRoot
{
    /// <summary>The folder holding GrowthKit.sln, found by walking up from the test assembly.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "GrowthKit.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"GrowthKit.sln not found above {AppContext.BaseDirectory}.");
    }
}
