using System.Diagnostics;
using System.Globalization;

namespace GrowthKit.Chaos.Tests;

/// <summary>
/// The broker's queues and their message counts through <c>rabbitmqctl</c>. The node runs without the
/// management plugin, so the CLI is the one way to list queues; it needs exactly the environment
/// eng/rabbitmq-server.sh gave the node (cookie home, node name, private epmd port), which is read
/// from the running server process itself.
/// </summary>
public static class BrokerQueues
{
    private const string Rabbitmqctl = "/usr/lib/rabbitmq/bin/rabbitmqctl";

    public static Task<IReadOnlyDictionary<string, long>> ListAsync(DistributedApplication app, CancellationToken ct) =>
        ListAsync(app, "messages", ct);

    /// <summary>How many consumers each queue has: competing consumers show as one queue with one per instance.</summary>
    public static Task<IReadOnlyDictionary<string, long>> ConsumersAsync(DistributedApplication app, CancellationToken ct) =>
        ListAsync(app, "consumers", ct);

    private static async Task<IReadOnlyDictionary<string, long>> ListAsync(DistributedApplication app, string column, CancellationToken ct)
    {
        var server = ResourceProcesses.Descendants(ResourceProcesses.ProcessId(app, "rabbitmq"))
            .FirstOrDefault(pid => Comm(pid) == "beam.smp");
        Assert.True(server != 0, "no RabbitMQ server process (beam.smp) below the rabbitmq resource");

        var start = new ProcessStartInfo(Rabbitmqctl, ["-q", "list_queues", "-p", "growthkit", "name", column, "--no-table-headers"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in Environment(server)) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"rabbitmqctl list_queues: {await error}");

        var queues = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('\t');
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var messages))
                queues[parts[0]] = messages;
        }
        return queues;
    }

    /// <summary>Messages in every <c>_error</c> queue that holds any.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> ErrorsAsync(DistributedApplication app, CancellationToken ct) =>
        (await ListAsync(app, ct)).Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value > 0)
            .ToDictionary(q => q.Key, q => q.Value);

    private static string Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return ""; }
    }

    private static IEnumerable<(string Name, string Value)> Environment(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .Select(pair => (pair[0], pair[1]));
}
