using System.Globalization;

namespace GrowthKit.Bench.Telemetry;

/// <summary>Megabytes (PSS) the system held, in all and by kind of process.</summary>
public sealed record MemoryFigures(double TotalMb, IReadOnlyDictionary<string, double> ByKindMb);

/// <summary>CPU seconds one process (grouped by what it is) used during a phase.</summary>
public sealed record ProcessCost(string Process, double CpuSeconds);

/// <summary>
/// CPU time of this process and every process it started (DCP, the services, PostgreSQL with its
/// backends, RabbitMQ's Erlang VM), read from /proc — on a 2-core machine the first question is
/// who holds the cores. Linux only; elsewhere it reports nothing.
/// </summary>
public sealed class ProcessCpu(string dataDir)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public sealed record Snapshot(IReadOnlyDictionary<int, (string Label, long Ticks)> Processes, long MachineBusyTicks);

    /// <summary>CPU seconds the whole machine was busy: other work on it slows the run down too.</summary>
    public static double MachineBusySeconds(Snapshot before, Snapshot after) =>
        (after.MachineBusyTicks - before.MachineBusyTicks) / TicksPerSecond;

    public Snapshot Take()
    {
        var all = new Dictionary<int, (int Parent, string Label, long Ticks, string CommandLine)>();
        if (!Directory.Exists("/proc")) return new Snapshot(new Dictionary<int, (string, long)>(), 0);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                var comm = stat[(stat.IndexOf('(') + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                // After "pid (comm) ": state ppid … utime(14th overall → index 11 here) stime(12)
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                all[pid] = (parent, Label(comm, commandLine), ticks, commandLine);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentException)
            {
                // The process ended while we read it.
            }
        }

        // Ours: this process, DCP (it re-parents itself to init but watches this process with
        // "--monitor <pid>"), whatever uses this run's data folder, and every descendant of those.
        var self = Environment.ProcessId;
        var monitor = $"--monitor {self} ";
        var children = all.ToLookup(p => p.Value.Parent, p => p.Key);
        var pending = new Stack<int>(all
            .Where(p => p.Key == self || (p.Value.CommandLine + " ").Contains(monitor, StringComparison.Ordinal)
                        || p.Value.CommandLine.Contains(dataDir, StringComparison.Ordinal))
            .Select(p => p.Key));
        var mine = new Dictionary<int, (string, long)>();
        while (pending.TryPop(out var pid))
        {
            if (mine.ContainsKey(pid)) continue;
            mine[pid] = (pid == self ? "bench (this process)" : all[pid].Label, all[pid].Ticks);
            foreach (var child in children[pid]) pending.Push(child);
        }
        return new Snapshot(mine, MachineBusyTicks());
    }

    private static long MachineBusyTicks()
    {
        try
        {
            // "cpu  user nice system idle iowait irq softirq steal …": busy is all but idle and iowait.
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return fields.Take(8).Sum() - fields[3] - fields[4];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The memory the system holds now: the proportional set size (PSS; a shared page counts once,
    /// split between its sharers) of every process of <see cref="Take"/> but this one, by kind.
    /// </summary>
    public MemoryFigures Memory()
    {
        var self = Environment.ProcessId;
        var kinds = new Dictionary<string, double>();
        foreach (var (pid, (label, _)) in Take().Processes)
        {
            if (pid == self) continue;
            try
            {
                var pss = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
                if (pss is null) continue;
                var kb = long.Parse(pss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                var kind = label.StartsWith("GrowthKit.", StringComparison.Ordinal) && !label.EndsWith("(dotnet run)", StringComparison.Ordinal)
                    ? "services" : label.EndsWith("(dotnet run)", StringComparison.Ordinal) ? "dotnet run launchers" : label;
                kinds[kind] = kinds.GetValueOrDefault(kind) + kb / 1024.0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // The process ended while we read it.
            }
        }
        return new MemoryFigures(kinds.Values.Sum(), kinds.OrderByDescending(k => k.Value).ToDictionary(k => k.Key, k => Math.Round(k.Value)));
    }

    public static IReadOnlyList<ProcessCost> Between(Snapshot before, Snapshot after) =>
        [.. after.Processes
            .Select(p => (p.Value.Label, Ticks: p.Value.Ticks - (before.Processes.TryGetValue(p.Key, out var b) ? b.Ticks : 0)))
            .GroupBy(p => p.Label)
            .Select(g => new ProcessCost(g.Key, g.Sum(p => Math.Max(0, p.Ticks)) / TicksPerSecond))
            .Where(c => c.CpuSeconds > 0)
            .OrderByDescending(c => c.CpuSeconds)];

    private static string Label(string comm, string commandLine)
    {
        // Services run as "dotnet …/GrowthKit.Scoring.dll" or as their apphost "GrowthKit.Scoring".
        foreach (var part in commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Path.GetFileName(part);
            if (!name.StartsWith("GrowthKit.", StringComparison.Ordinal)) continue;
            if (name.EndsWith(".csproj", StringComparison.Ordinal)) return name[..^7] + " (dotnet run)";
            return name.EndsWith(".dll", StringComparison.Ordinal) ? name[..^4] : name;
        }
        if (commandLine.Contains("rabbitmq", StringComparison.Ordinal) || comm is "beam.smp" or "erl_child_setup" or "epmd" or "inet_gethost")
            return "rabbitmq";
        if (comm.StartsWith("postgres", StringComparison.Ordinal) || commandLine.StartsWith("postgres:", StringComparison.Ordinal))
            return "postgres";
        if (commandLine.Contains("/dcp ", StringComparison.Ordinal)) return "dcp (Aspire)";
        return comm;
    }
}
