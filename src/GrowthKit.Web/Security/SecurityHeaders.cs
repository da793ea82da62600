namespace GrowthKit.Web.Security;

/// <summary>
/// Headers every response of the web app carries. The policy allows what Blazor Server needs and no
/// more: its scripts come from the app itself ('self'), its circuit is a WebSocket to the same
/// origin (CSP Level 3 lets 'self' match ws:/wss: of that origin), and components set inline
/// <c>style</c> attributes (progress bars, Blazor's reconnect dialog), hence 'unsafe-inline' for
/// styles only. No page may frame the app (clickjacking), no plugin runs, forms post only to the app.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
        "frame-ancestors 'none'";

    public const string ReferrerPolicy = "strict-origin-when-cross-origin";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = ReferrerPolicy;
            // Older browsers that ignore frame-ancestors still honour this.
            headers.XFrameOptions = "DENY";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
