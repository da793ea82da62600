using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace GrowthKit.Gateway.Storage;

/// <summary>
/// Every <c>/api</c> and <c>/admin</c> request reads the key store. While Postgres cannot be
/// reached, say so with a 503 the caller may retry, rather than a 500 (or a misleading 401).
/// </summary>
internal sealed class StoreUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsStoreUnreachable(exception)) return false;

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The gateway's store is unavailable.",
                Detail = $"Retry after {RetryAfterSeconds} s.",
            },
        });
    }

    /// <summary>Marten wraps Npgsql's failures (MartenCommandException), so look down the chain.</summary>
    private static bool IsStoreUnreachable(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is NpgsqlException { IsTransient: true }) return true;
        }
        return false;
    }
}
