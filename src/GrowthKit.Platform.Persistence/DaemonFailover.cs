using Npgsql;

namespace GrowthKit.Platform.Persistence;

/// <summary>
/// Keeps the async daemon's failover short when replicas run (Marten HotCold). Each relay or projection
/// shard is held by one node through a session advisory lock, and Marten watches that lock with a query
/// that sleeps for a minute on the lock's connection. A node that dies mid-sleep leaves its backend
/// sleeping, and the lock held, until the sleep ends — unless PostgreSQL checks the client while it runs
/// a query: <c>client_connection_check_interval</c> (PostgreSQL 14+, settable per session) ends such a
/// backend, and so frees the lock, within that interval of the node's death.
/// </summary>
public static class DaemonFailover
{
    public const int ClientConnectionCheckMilliseconds = 2000;

    /// <summary>The connection string with the client check added to its startup options (others kept).</summary>
    public static string WithClientConnectionCheck(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        const string setting = "client_connection_check_interval";
        if (builder.Options?.Contains(setting, StringComparison.Ordinal) == true) return connectionString;
        var check = $"-c {setting}={ClientConnectionCheckMilliseconds}";
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? check : builder.Options + " " + check;
        return builder.ConnectionString;
    }
}
