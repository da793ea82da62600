using System.Net.Sockets;
using JasperFx;
using Marten.Exceptions;
using Npgsql;

namespace GrowthKit.Platform.Persistence.Resilience;

/// <summary>
/// The two kinds of failure every service treats alike. A <b>conflict</b> is a race lost to a
/// concurrent writer, won by starting over at once. An <b>outage</b> is a dependency that does not
/// answer (PostgreSQL down, restarting or refusing connections): retrying within a request or a
/// message's handling is pointless — the work waits for the dependency instead.
/// </summary>
public static class Failures
{
    public static bool IsConflict(Exception? exception) => Any(exception, e => e switch
    {
        ConcurrencyException => true,
        DocumentAlreadyExistsException => true,
        ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.DeadlockDetected } => true,
        _ => false,
    });

    public static bool IsOutage(Exception? exception) => Any(exception, e => e switch
    {
        // Class 08: connection exceptions; 57P01-03: admin/crash shutdown, cannot connect now; 53300: too many connections.
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal)
                               || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                                   or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        NpgsqlException n => n.IsTransient,
        SocketException => true,
        TimeoutException => true,
        _ => false,
    });

    private static bool Any(Exception? exception, Func<Exception, bool> test)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++, exception = exception.InnerException)
        {
            if (test(exception)) return true;
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(inner => Any(inner, test))) return true;
        }
        return false;
    }
}
