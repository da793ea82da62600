using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace GrowthKit.Platform.Persistence.Resilience;

/// <summary>
/// A request that meets a PostgreSQL outage (<see cref="Failures.IsOutage"/>) is answered 503 with
/// <c>Retry-After</c>, never 500: nothing of it was stored, and the caller may send it again (with its
/// <c>Idempotency-Key</c>). Every service and the gateway use it.
/// </summary>
public sealed class OutageExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!Failures.IsOutage(exception) || context.Response.HasStarted) return false;

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The store is unavailable.",
                Detail = $"Nothing was stored. Retry after {RetryAfterSeconds} s.",
            },
        });
    }
}
