using GrowthKit.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace GrowthKit.Icp.Icps;

/// <summary>If-Match carries the expected revision as an entity tag (<c>"3"</c>).</summary>
public static class IfMatch
{
    public static bool IsPresent(HttpRequest request) => request.Headers.IfMatch.Count > 0;

    public static bool TryParse(HttpRequest request, out long? revision)
    {
        revision = null;
        if (!IsPresent(request)) return true;
        if (!EntityTagHeaderValue.TryParse(request.Headers.IfMatch.ToString(), out var tag)) return false;
        var raw = tag.Tag.Value?.Trim('"');
        if (!long.TryParse(raw, out var parsed) || parsed < 1) return false;
        revision = parsed;
        return true;
    }

    public static ProblemHttpResult Malformed() => ApiDefaults.FieldProblem("If-Match",
        "If-Match must be the revision as an entity tag, for example \"3\".");

    /// <summary>
    /// A stale If-Match on an id that is not one of the tenant's ICPs is a 404, as without If-Match:
    /// Marten reports both as a concurrency failure.
    /// </summary>
    public static async Task<ProblemHttpResult> StaleOrMissingAsync(Marten.IQuerySession session, Guid icpId, CancellationToken ct) =>
        await session.LoadAsync<IcpState>(icpId, ct) is null ? ApiDefaults.NotFoundProblem("ICP") : Stale();

    public static ProblemHttpResult Stale() => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "The ICP has changed since the revision in If-Match.",
        detail: "Fetch it again, reapply your change and retry with the new ETag.");

    public static ProblemHttpResult Missing() => TypedResults.Problem(
        statusCode: StatusCodes.Status428PreconditionRequired,
        title: "If-Match is required.",
        detail: "Send the revision you last read as If-Match.");
}
