using System.Globalization;
using Npgsql;

namespace GrowthKit.Chaos.Tests;

/// <summary>
/// Who runs a service's async daemon shards (its relay) under Marten's HotCold mode: each shard is a
/// session advisory lock held by one of the service's connections. The lock's backend names its client
/// port; the instance whose process owns that socket is the holder.
/// </summary>
public sealed class DaemonLocks(NpgsqlDataSource database, DistributedApplication app, string service)
{
    /// <summary>The advisory locks the service's connections hold (a bigint key each).</summary>
    public async Task<IReadOnlyList<(long Key, int ClientPort)>> HeldAsync(CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            select (l.classid::bigint << 32) | l.objid::bigint, a.client_port
            from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and l.objsubid = 1 and a.usename = $1 and a.client_port is not null
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "growthkit_" + service });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var held = new List<(long, int)>();
        while (await reader.ReadAsync(ct)) held.Add((reader.GetInt64(0), reader.GetInt32(1)));
        return held;
    }

    /// <summary>
    /// The daemon's locks: what the service holds while no request runs (its other advisory locks live
    /// only inside transactions), seen held by the same connection twice a second apart.
    /// </summary>
    public async Task<IReadOnlySet<long>> DaemonKeysAsync(CancellationToken ct)
    {
        while (true)
        {
            var first = (await HeldAsync(ct)).ToHashSet();
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var second = (await HeldAsync(ct)).ToHashSet();
            second.IntersectWith(first);
            if (second.Count > 0) return second.Select(h => h.Key).ToHashSet();
        }
    }

    /// <summary>The instance (resource id) holding <paramref name="key"/>, or null while no one holds it.</summary>
    public async Task<string?> HolderAsync(long key, CancellationToken ct)
    {
        var holders = (await HeldAsync(ct)).Where(h => h.Key == key).ToList();
        Assert.True(holders.Count <= 1, $"lock {key} is held by {holders.Count} connections");
        if (holders.Count == 0) return null;
        var inode = SocketInode(holders[0].ClientPort);
        if (inode is null) return null;
        foreach (var instance in ResourceProcesses.Instances(app, service))
        {
            if (!app.ResourceNotifications.TryGetCurrentState(instance, out var state)
                || !int.TryParse(state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString(), out var pid))
                continue;
            if (ResourceProcesses.Descendants(pid).Prepend(pid).Any(p => OwnsSocket(p, inode)))
                return instance;
        }
        return null;
    }

    /// <summary>Waits until <paramref name="key"/> is held by an instance other than <paramref name="previous"/>.</summary>
    public async Task<string> WaitForNewHolderAsync(long key, string previous, CancellationToken ct)
    {
        while (true)
        {
            if (await HolderAsync(key, ct) is { } holder && holder != previous) return holder;
            await Task.Delay(100, ct);
        }
    }

    /// <summary>The inode of the established TCP socket whose local port is <paramref name="port"/> (this host's view).</summary>
    private static string? SocketInode(int port)
    {
        var hex = port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (fields.Length > 9 && fields[1].EndsWith(":" + hex, StringComparison.Ordinal) && fields[3] == "01")
                    return fields[9];
            }
        }
        return null;
    }

    private static bool OwnsSocket(int pid, string inode)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
                .Any(fd => new FileInfo(fd).LinkTarget == $"socket:[{inode}]");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
