using GrowthKit.Gateway.Authentication;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace GrowthKit.Gateway.Proxy;

/// <summary>
/// The public API, route by route, and the service behind each. Routes whose paths are more
/// specific than a service's catch-all get a lower <see cref="RouteConfig.Order"/> so they win.
/// </summary>
public static class ProxyRoutes
{
    public static readonly string[] Services = ["icp", "leads", "scoring", "refinement", "integrations"];

    /// <summary>Bodies above this are refused at the gateway (413); services enforce finer limits.</summary>
    public const long MaxRequestBodySize = 1024 * 1024;

    /// <summary>A CSV import of up to 100,000 rows (the integrations service checks the rows; see ImportsApi.MaxBodyBytes).</summary>
    public const long MaxImportBodySize = 64L * 1024 * 1024;

    private const int Specific = -1;

    public static IReadOnlyList<RouteConfig> Routes { get; } =
    [
        Api("icps", "icp", "/api/icps/{**rest}"),
        Api("workshops", "icp", "/api/workshops/{**rest}"),
        Api("taxonomy", "icp", "/api/taxonomy/{**rest}"),

        Api("leads-receive", "leads", "/api/leads", "POST"),
        Api("leads-receive-batch", "leads", "/api/leads/batch", "POST"),

        // One lead: scoring's answer, or the leads service's while scoring has not recorded it (LeadReadFallback).
        Api("lead-read", "scoring", "/api/leads/{leadId:guid}", "GET", Specific).FallingBackTo("leads"),
        Api("lead-read-by-external-id", "scoring", "/api/leads/by-external-id/{externalId}", "GET", Specific).FallingBackTo("leads"),
        Api("leads-read", "scoring", "/api/leads/{**rest}", "GET"),
        Api("leads-rescore", "scoring", "/api/leads/{leadId}/rescore", "POST"),
        Api("icp-rescoring", "scoring", "/api/icps/{icpId}/versions/{version}/rescoring", "GET", Specific),

        Api("deals", "refinement", "/api/deals/{**rest}"),
        Api("gap-report", "refinement", "/api/icps/{icpId}/gap-report", order: Specific),
        Api("proposals", "refinement", "/api/icps/{icpId}/proposals/{**rest}", order: Specific),
        Api("backtest", "refinement", "/api/icps/{icpId}/backtest", order: Specific),
        Api("refinement", "refinement", "/api/icps/{icpId}/refinement", order: Specific),

        Api("integrations", "integrations", "/api/integrations/{**rest}"),
        Api("webhooks", "integrations", "/api/webhooks/{**rest}"),
        Api("leads-import", "integrations", "/api/leads/import", "POST", Specific, MaxImportBodySize),
        Api("deals-import", "integrations", "/api/deals/import", "POST", Specific, MaxImportBodySize),
        Api("imports", "integrations", "/api/imports/{**rest}", "GET"),

        Api("audit", "scoring", "/api/audit/{**rest}", "GET"),
        AuditKey(),

        .. Services.Select(Document),

        WebApp(),
    ];

    /// <summary>The web app behind <c>/app</c>; not one of <see cref="Services"/>, so /health does not wait for it.</summary>
    public const string WebAppService = "web";

    public static IReadOnlyList<ClusterConfig> Clusters { get; } = [.. Services.Select(Cluster), Cluster(WebAppService)];

    private static RouteConfig Api(string id, string cluster, string path, string? method = null, int order = 0,
        long maxBody = MaxRequestBodySize) => new()
    {
        RouteId = id,
        ClusterId = cluster,
        Order = order,
        Match = new RouteMatch { Path = path, Methods = method is null ? null : [method] },
        AuthorizationPolicy = GatewayAuthentication.TenantPolicy,
        MaxRequestBodySize = maxBody,
    };

    /// <summary>
    /// <c>/openapi/{service}.json</c> → the service's own document, anonymous. The original Host
    /// header lets the service write the gateway's address into the document's servers.
    /// </summary>
    private static RouteConfig Document(string service) => new RouteConfig
    {
        RouteId = $"openapi-{service}",
        ClusterId = service,
        Match = new RouteMatch { Path = $"/openapi/{service}.json", Methods = ["GET"] },
    }
        .WithTransformPathSet("/openapi/v1.json")
        .WithTransformUseOriginalHostHeader();

    /// <summary>The platform's public audit key, anonymous: auditors fetch it to check signatures offline.</summary>
    private static RouteConfig AuditKey() => new()
    {
        RouteId = "audit-key",
        ClusterId = "scoring",
        Match = new RouteMatch { Path = "/.well-known/growthkit-audit-key", Methods = ["GET"] },
    };

    /// <summary>
    /// <c>/app/**</c> → the web app, path unchanged (it runs under the /app path base), with no API key:
    /// the web app signs its user in and calls <c>/api/**</c> with the tenant's key like any consumer.
    /// Its Blazor circuit is a WebSocket, which YARP proxies as is.
    /// </summary>
    private static RouteConfig WebApp() => new RouteConfig
    {
        RouteId = "web-app",
        ClusterId = WebAppService,
        Match = new RouteMatch { Path = "/app/{**rest}" },
    }
        .WithTransformUseOriginalHostHeader();

    /// <summary>Addresses are service-discovery names, resolved from <c>services__{name}__http__0</c>.</summary>
    private static ClusterConfig Cluster(string service) => new()
    {
        ClusterId = service,
        Destinations = new Dictionary<string, DestinationConfig>
        {
            [service] = new() { Address = $"http://{service}" },
        },
    };
}
