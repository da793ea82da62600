using System.Security.Claims;
using System.Text.RegularExpressions;
using GrowthKit.ServiceDefaults;

namespace GrowthKit.Gateway.Authorization;

/// <summary>
/// What an API key may do (../shared/API.md, Admin). A key issued without scopes — every tenant's
/// first key, and every key issued before scopes existed — may do everything. A key with scopes
/// reaches a route only when it holds one of the scopes that route accepts; otherwise 403 naming
/// the scope. The audit scope's routes are exact; the other scopes cover whole resources for now, to be
/// refined with the SaaS-security issue.
/// </summary>
public static partial class ApiScopes
{
    public const string ClaimType = "scope";

    /// <summary>Set on keys that carry scopes: a key without it has every scope.</summary>
    public const string RestrictedClaimType = "scopes-restricted";

    public const string AuditRead = "audit:read";

    public static readonly IReadOnlyList<string> Known =
        ["leads:write", "leads:read", "icps:write", "icps:read", "integrations", AuditRead];

    // Route → the scopes that reach it (any one suffices). Order matters: the first match wins.
    private static readonly (string Method, Regex Path, string[] Scopes)[] Rules =
    [
        ("GET", AuditRoutes(), [AuditRead]),
        ("GET", IcpHistoryRoutes(), [AuditRead, "icps:read"]),
        ("GET", LeadScoreHistoryRoute(), [AuditRead, "leads:read"]),
        ("GET", Resource("leads|deals|imports"), ["leads:read"]),
        ("*", Resource("leads|deals|imports"), ["leads:write"]),
        ("GET", Resource("icps|workshops|taxonomy"), ["icps:read"]),
        ("*", Resource("icps|workshops|taxonomy"), ["icps:write"]),
        ("*", Resource("integrations|webhooks"), ["integrations"]),
    ];

    private static Regex Resource(string names) => new($"^/api/({names})(/.*)?$", RegexOptions.Compiled);

    [GeneratedRegex("^/api/audit(/.*)?$")]
    private static partial Regex AuditRoutes();

    [GeneratedRegex("^/api/icps/[^/]+/(history|versions|versions/[^/]+|diff)$")]
    private static partial Regex IcpHistoryRoutes();

    [GeneratedRegex("^/api/leads/[^/]+/scores$")]
    private static partial Regex LeadScoreHistoryRoute();

    /// <summary>The scopes a key holds: its own list, or every scope for an unrestricted key.</summary>
    public static IReadOnlyList<string> Held(ClaimsPrincipal user) =>
        user.HasClaim(c => c.Type == RestrictedClaimType)
            ? [.. user.FindAll(ClaimType).Select(c => c.Value)]
            : Known;

    /// <summary>The scopes that reach this request, or null when the table does not list it yet.</summary>
    public static IReadOnlyList<string>? Accepting(string method, string path)
    {
        foreach (var (m, pattern, scopes) in Rules)
        {
            if ((m == "*" || string.Equals(m, method, StringComparison.OrdinalIgnoreCase)) && pattern.IsMatch(path)) return scopes;
        }
        return null;
    }

    /// <summary>
    /// Null when the key may make the request; otherwise the scope to name in the 403. A route the
    /// table does not list is open only to keys without scopes.
    /// </summary>
    public static string? Missing(ClaimsPrincipal user, string method, string path)
    {
        if (!user.HasClaim(c => c.Type == RestrictedClaimType)) return null;
        var accepting = Accepting(method, path);
        if (accepting is null) return "an unrestricted key";
        return accepting.Any(s => user.HasClaim(ClaimType, s)) ? null : accepting[0];
    }

    /// <summary>Refuses a proxied API request its key has no scope for (403 problem naming the scope).</summary>
    public static IApplicationBuilder UseApiScopes(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api")
            && Missing(context.User, context.Request.Method, context.Request.Path.Value ?? "") is { } missing)
        {
            var problem = TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Missing scope.",
                detail: $"This API key lacks the scope this request needs: {missing}.",
                extensions: new Dictionary<string, object?> { ["scope"] = missing });
            await problem.ExecuteAsync(context);
            return;
        }
        await next(context);
    });
}
