using System.Security.Claims;

namespace GrowthKit.Gateway.Authorization;

/// <summary>
/// What an API key may do (docs/api.md, Admin). A key issued without scopes — every tenant's
/// first key, and every key issued before scopes existed — may do everything. A key with scopes
/// reaches a route only when it holds one of the scopes that route accepts; otherwise 403 naming
/// the scope. Every public route is listed, by method and template as the services' OpenAPI
/// documents write it; a route missing here is open only to unrestricted keys, and a test that
/// reads those documents fails until the route gets its rule.
/// </summary>
public static class ApiScopes
{
    public const string ClaimType = "scope";

    /// <summary>Set on keys that carry scopes: a key without it has every scope.</summary>
    public const string RestrictedClaimType = "scopes-restricted";

    public const string LeadsWrite = "leads:write";
    public const string LeadsRead = "leads:read";
    public const string IcpsWrite = "icps:write";
    public const string IcpsRead = "icps:read";
    public const string Integrations = "integrations";
    public const string AuditRead = "audit:read";

    public static readonly IReadOnlyList<string> Known = [LeadsWrite, LeadsRead, IcpsWrite, IcpsRead, Integrations, AuditRead];

    /// <summary>Named in the 403 of a route no rule lists.</summary>
    public const string Unrestricted = "an unrestricted key";

    /// <summary>
    /// Route → the scopes that reach it (any one suffices; the first is the one a 403 names).
    /// Requests that change nothing (rescore, backtest, derive) take a read scope; history, versions
    /// and verification are also open to <c>audit:read</c>.
    /// </summary>
    public static readonly IReadOnlyList<ScopeRule> Rules =
    [
        // Leads service: ingestion.
        new("POST", "/api/leads", LeadsWrite),
        new("POST", "/api/leads/batch", LeadsWrite),
        new("POST", "/api/leads/import", LeadsWrite),
        // Scoring service: reading leads and their scores.
        new("GET", "/api/leads", LeadsRead),
        new("GET", "/api/leads/by-external-id/{externalId}", LeadsRead),
        new("GET", "/api/leads/quarantine", LeadsRead),
        new("GET", "/api/leads/export", LeadsRead),
        new("GET", "/api/leads/{leadId}", LeadsRead),
        new("GET", "/api/leads/{leadId}/scores", LeadsRead, AuditRead),
        new("POST", "/api/leads/{leadId}/rescore", LeadsRead, AuditRead),
        new("GET", "/api/icps/{icpId}/versions/{version}/rescoring", IcpsRead),
        new("GET", "/api/audit/verify", AuditRead),
        new("GET", "/api/audit/export", AuditRead),
        // Refinement service: outcomes, reports, proposals, settings.
        new("POST", "/api/deals", LeadsWrite),
        new("POST", "/api/deals/batch", LeadsWrite),
        new("POST", "/api/deals/import", LeadsWrite),
        new("GET", "/api/imports/{importId}", LeadsWrite, LeadsRead),
        new("GET", "/api/icps/{icpId}/gap-report", IcpsRead),
        new("POST", "/api/icps/{icpId}/backtest", IcpsRead, IcpsWrite),
        new("GET", "/api/icps/{icpId}/proposals", IcpsRead),
        new("POST", "/api/icps/{icpId}/proposals/{proposalId}/accept", IcpsWrite),
        new("POST", "/api/icps/{icpId}/proposals/{proposalId}/reject", IcpsWrite),
        new("GET", "/api/icps/{icpId}/refinement", IcpsRead),
        new("PUT", "/api/icps/{icpId}/refinement", IcpsWrite),
        // ICP service: definitions, history, workshops, taxonomy.
        new("GET", "/api/icps", IcpsRead),
        new("POST", "/api/icps", IcpsWrite),
        new("GET", "/api/icps/{icpId}", IcpsRead),
        new("PUT", "/api/icps/{icpId}", IcpsWrite),
        new("POST", "/api/icps/{icpId}/publish", IcpsWrite),
        new("POST", "/api/icps/derive", IcpsRead, IcpsWrite),
        new("GET", "/api/icps/{icpId}/versions", IcpsRead, AuditRead),
        new("GET", "/api/icps/{icpId}/versions/{version}", IcpsRead, AuditRead),
        new("GET", "/api/icps/{icpId}/diff", IcpsRead, AuditRead),
        new("GET", "/api/icps/{icpId}/history", IcpsRead, AuditRead),
        new("POST", "/api/workshops", IcpsWrite),
        new("GET", "/api/workshops/{workshopId}", IcpsRead),
        new("GET", "/api/workshops/{workshopId}/history", IcpsRead, AuditRead),
        new("POST", "/api/workshops/{workshopId}/answers", IcpsWrite),
        new("POST", "/api/workshops/{workshopId}/complete", IcpsWrite),
        new("GET", "/api/taxonomy", IcpsRead),
        new("PUT", "/api/taxonomy", IcpsWrite),
        // Integrations: CRM connections and webhooks, whatever the route below them.
        new("*", "/api/integrations/{**rest}", Integrations),
        new("*", "/api/webhooks/{**rest}", Integrations),
        // The gateway's own: the tenant's usage, for any key that may read.
        new("GET", "/api/usage", LeadsRead, IcpsRead, AuditRead),
    ];

    /// <summary>The scopes a key holds: its own list, or every scope for an unrestricted key.</summary>
    public static IReadOnlyList<string> Held(ClaimsPrincipal user) =>
        user.HasClaim(c => c.Type == RestrictedClaimType)
            ? [.. user.FindAll(ClaimType).Select(c => c.Value)]
            : Known;

    /// <summary>The scopes that reach this request, or null when the table does not list it.</summary>
    public static IReadOnlyList<string>? Accepting(string method, string path)
    {
        var segments = path.TrimEnd('/').Split('/');
        foreach (var rule in Rules)
        {
            if (rule.Matches(method, segments)) return rule.Scopes;
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
        if (accepting is null) return Unrestricted;
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

/// <summary>
/// One route and the scopes that reach it. <paramref name="Template"/> is written as in OpenAPI
/// (<c>{name}</c> matches one segment, a last <c>{**rest}</c> any number including none);
/// <paramref name="Method"/> <c>*</c> matches every method.
/// </summary>
public sealed record ScopeRule(string Method, string Template, params string[] Scopes)
{
    private readonly string[] _segments = Template.Split('/');

    private bool CatchAll => _segments[^1].StartsWith("{**", StringComparison.Ordinal);

    public bool Matches(string method, string[] path)
    {
        if (Method != "*" && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) return false;
        var fixedCount = CatchAll ? _segments.Length - 1 : _segments.Length;
        if (CatchAll ? path.Length < fixedCount : path.Length != fixedCount) return false;
        for (var i = 0; i < fixedCount; i++)
        {
            var segment = _segments[i];
            var isParameter = segment.StartsWith('{') && segment.EndsWith('}');
            if (isParameter ? path[i].Length == 0 : !string.Equals(segment, path[i], StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }
}
