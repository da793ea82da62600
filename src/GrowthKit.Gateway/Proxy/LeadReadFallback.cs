using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace GrowthKit.Gateway.Proxy;

/// <summary>
/// A lead reads from scoring, which records it a message after the 202; until then the leads service,
/// which accepted it, answers instead (its <c>/internal/leads/…</c> routes: the lead as accepted, no
/// scores, <c>scoring: "pending"</c>). Only a 404 from scoring goes on to the leads service, so a lead
/// already recorded costs the one hop it always did and nothing is buffered: a response transform sees
/// the 404's status before YARP copies any body and suppresses that body (the client's response has not
/// started), and this pipeline step then forwards the same request once more, to the other cluster,
/// through the same forwarder and transforms — internal token (addressed to the leads service), trace
/// context and headers as for any proxied route; authorization and rate limiting ran once, before.
/// </summary>
/// <remarks>
/// Should the leads service not answer at all (unreachable, no destination), the client gets scoring's
/// 404 as before this fallback existed, not a 502 for a read that scoring answered.
/// </remarks>
public static class LeadReadFallback
{
    /// <summary>Route metadata naming the cluster that answers when the route's own answers 404.</summary>
    public const string MetadataKey = "GrowthKit.FallbackCluster";

    public const string PublicPrefix = "/api/leads";
    public const string InternalPrefix = "/internal/leads";

    public static RouteConfig FallingBackTo(this RouteConfig route, string cluster) => route with
    {
        Metadata = new Dictionary<string, string>(route.Metadata ?? new Dictionary<string, string>()) { [MetadataKey] = cluster },
    };

    /// <summary>The transforms of a route with a fallback: suppress its first 404, and address the fallback's path.</summary>
    public static void AddTransforms(TransformBuilderContext context)
    {
        if (FallbackOf(context.Route) is not { } fallback) return;

        context.AddRequestTransform(transform =>
        {
            if (IsForwardingTo(transform.HttpContext, fallback) && transform.Path.StartsWithSegments(PublicPrefix, out var rest))
            {
                transform.Path = new PathString(InternalPrefix).Add(rest);
            }
            return ValueTask.CompletedTask;
        });
        context.AddResponseTransform(async transform =>
        {
            if (transform.ProxyResponse is not { StatusCode: System.Net.HttpStatusCode.NotFound } response
                || IsForwardingTo(transform.HttpContext, fallback))
            {
                return;
            }
            // Kept (a small problem document) in case the fallback cannot answer; not written to the client yet.
            var body = await response.Content.ReadAsByteArrayAsync(transform.HttpContext.RequestAborted);
            transform.SuppressResponseBody = true;
            transform.HttpContext.Features.Set(new FirstAnswer(body));
        });
    }

    /// <summary>The step of the proxy pipeline that forwards again when the first answer was a suppressed 404.</summary>
    public static IReverseProxyApplicationBuilder UseLeadReadFallback(this IReverseProxyApplicationBuilder pipeline)
    {
        pipeline.Use(async (context, next) =>
        {
            var proxy = context.GetReverseProxyFeature();
            if (FallbackOf(proxy.Route.Config) is not { } fallback)
            {
                await next();
                return;
            }

            // What the gateway itself put on the response before forwarding: kept, whichever service answers.
            var ownHeaders = Copy(context.Response.Headers);
            await next();
            if (context.Features.Get<FirstAnswer>() is not { } first) return;
            context.Features.Set<FirstAnswer?>(null);
            first.Status = context.Response.StatusCode;
            first.Headers = Copy(context.Response.Headers);

            var lookup = context.RequestServices.GetRequiredService<IProxyStateLookup>();
            if (!lookup.TryGetCluster(fallback, out var cluster))
            {
                await WriteAsync(context, ownHeaders, first);
                return;
            }
            Reset(context, ownHeaders);
            context.ReassignProxyRequest(cluster);
            await next();

            if (context.Features.Get<IForwarderErrorFeature>() is not null && !context.Response.HasStarted)
            {
                await WriteAsync(context, ownHeaders, first);
            }
        });
        return pipeline;
    }

    private static string? FallbackOf(RouteConfig route) =>
        route.Metadata?.TryGetValue(MetadataKey, out var cluster) == true ? cluster : null;

    private static bool IsForwardingTo(HttpContext context, string cluster) =>
        context.GetReverseProxyFeature().Cluster?.Config.ClusterId == cluster;

    private static HeaderDictionary Copy(IHeaderDictionary headers) => new(headers.ToDictionary(h => h.Key, h => h.Value));

    private static void Reset(HttpContext context, IHeaderDictionary headers)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (context.Features.Get<IHttpResponseFeature>() is { } response) response.ReasonPhrase = null;
        context.Response.Headers.Clear();
        foreach (var (name, value) in headers) context.Response.Headers[name] = value;
    }

    private static async Task WriteAsync(HttpContext context, IHeaderDictionary ownHeaders, FirstAnswer first)
    {
        Reset(context, ownHeaders);
        foreach (var (name, value) in first.Headers!) context.Response.Headers[name] = value;
        context.Response.Headers.Remove(Microsoft.Net.Http.Headers.HeaderNames.TransferEncoding);
        context.Response.StatusCode = first.Status;
        context.Response.ContentLength = first.Body.Length;
        await context.Response.Body.WriteAsync(first.Body, context.RequestAborted);
    }

    /// <summary>The route's own 404, its body held back while the fallback is asked.</summary>
    private sealed class FirstAnswer(byte[] body)
    {
        public byte[] Body { get; } = body;
        public int Status { get; set; }
        public HeaderDictionary? Headers { get; set; }
    }
}
