using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace GrowthKit.Chaos.Tests.Quorum;

/// <summary>
/// Three local RabbitMQ nodes in one cluster, through <c>eng/rabbitmq-cluster.sh</c>: free ports, its
/// own folder under GROWTHKIT_TEST_DATA_ROOT, and stopped on dispose whatever happened.
/// </summary>
public sealed partial class RabbitMqCluster : IAsyncDisposable
{
    private const string User = "growthkit";
    private readonly string _dir;
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private RabbitMqCluster(string dir) => _dir = dir;

    public IReadOnlyList<int> AmqpPorts { get; private set; } = [];

    /// <summary>amqp://user:password@127.0.0.1:port of the first node (the form ConnectionStrings:messaging takes).</summary>
    public string ConnectionString => $"amqp://{User}:{_password}@127.0.0.1:{AmqpPorts[0]}";

    /// <summary>Every node as host:port, for <c>GrowthKit:Messaging:ClusterNodes</c>.</summary>
    public string Nodes => string.Join(',', AmqpPorts.Select(p => $"127.0.0.1:{p}"));

    public static async Task<RabbitMqCluster> StartAsync(CancellationToken ct)
    {
        var root = Environment.GetEnvironmentVariable("GROWTHKIT_TEST_DATA_ROOT") is { Length: > 0 } configured
            ? configured
            : "/tmp/growthkit-tests";
        Directory.CreateDirectory(root);
        var cluster = new RabbitMqCluster(Path.Combine(root, "quorum-cluster-" + Guid.NewGuid().ToString("N")[..12]));
        try
        {
            var (code, output) = await cluster.ScriptAsync(["start", cluster._dir], ct, withUser: true);
            Assert.True(code == 0, $"eng/rabbitmq-cluster.sh start failed ({code}):\n{output}");
            var ready = ReadyLine().Match(output);
            Assert.True(ready.Success, $"no ready line in:\n{output}");
            cluster.AmqpPorts = ready.Groups[1].Value.Split(',').Select(e => int.Parse(e.Split(':')[1])).ToList();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>rabbitmqctl against node <paramref name="node"/> (1-3); its standard output.</summary>
    public async Task<string> CtlAsync(int node, params string[] arguments)
    {
        var (code, output) = await ScriptAsync(["ctl", _dir, node.ToString(), .. arguments], CancellationToken.None);
        Assert.True(code == 0, $"rabbitmqctl {string.Join(' ', arguments)} failed ({code}):\n{output}");
        return output;
    }

    /// <summary>kill -9 of node <paramref name="node"/>'s Erlang VM: no orderly shutdown, as when a broker's machine dies.</summary>
    public void Kill(int node)
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(_dir, "mnesia", $"rabbit{node}@localhost.pid")).Trim());
        using var process = Process.GetProcessById(pid);
        process.Kill();
        process.WaitForExit(10_000);
    }

    private async Task<(int Code, string Output)> ScriptAsync(IEnumerable<string> arguments, CancellationToken ct, bool withUser = false)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoRoot, "eng", "rabbitmq-cluster.sh"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (withUser)
        {
            start.Environment["GROWTHKIT_RABBITMQ_USER"] = User;
            start.Environment["GROWTHKIT_RABBITMQ_PASSWORD"] = _password;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output + await error);
    }

    public async ValueTask DisposeAsync()
    {
        var (code, output) = await ScriptAsync(["stop", _dir], CancellationToken.None);
        if (code != 0) throw new InvalidOperationException($"eng/rabbitmq-cluster.sh stop failed ({code}):\n{output}");
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GrowthKit.sln"))) return dir.FullName;
        throw new InvalidOperationException($"GrowthKit.sln not found above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"rabbitmq-cluster: ready on (\S+)")]
    private static partial Regex ReadyLine();
}
