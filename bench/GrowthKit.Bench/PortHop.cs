using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using GrowthKit.ServiceDefaults.Tenancy;

namespace GrowthKit.Bench;

/// <summary>Requests per second of one read, by the way it reaches the ICP service.</summary>
public sealed record PortHopFigures(
    string Request,
    int Concurrency,
    double SecondsEach,
    double PublicPortPerSecond,
    double GatewayPortPerSecond,
    double ServiceDirectPerSecond,
    string PublicPort,
    string GatewayPort,
    string ServicePort)
{
    public double PublicToDirect => ServiceDirectPerSecond > 0 ? PublicPortPerSecond / ServiceDirectPerSecond : 0;
}

/// <summary>
/// Issue 13's hop: the same read (<c>GET /api/icps/{id}</c>) through the public port, through the
/// gateway's own port (past any proxy in front of it) and from the ICP service called directly with
/// an internal token the bench mints with the run's key — one after the other, same run, same load.
/// </summary>
public static class PortHop
{
    public static async Task<PortHopFigures> RunAsync(GrowthKitSystem system, Gateway api, TenantKey tenant, Guid icpId,
        int concurrency, TimeSpan each, CancellationToken ct)
    {
        var path = $"/api/icps/{icpId}";
        var publicUri = system.EndpointUri("gateway", targetPort: false);
        var gatewayUri = system.EndpointUri("gateway", targetPort: true);
        var serviceUri = system.EndpointUri("icp", targetPort: true);
        var signingKey = InternalToken.SigningKey(await system.ParameterValueAsync("internal-token-private-key", ct));

        using var publicClient = Client(publicUri, tenant.ApiKey);
        using var gatewayClient = Client(gatewayUri, tenant.ApiKey);
        using var serviceClient = Client(serviceUri, null);
        // A fresh token per request, as the gateway makes one per request: the direct figure includes
        // the token's signature check on the service, so the gateway's own share is what is left.
        Func<string> token = () => InternalToken.Create(signingKey, "icp", tenant.TenantId, "bench", tenant.KeyId, DateTimeOffset.UtcNow);

        // Warm each path first (JIT, connection pools), then measure.
        await RequestsPerSecondAsync(publicClient, path, null, concurrency, TimeSpan.FromSeconds(1), ct);
        await RequestsPerSecondAsync(gatewayClient, path, null, concurrency, TimeSpan.FromSeconds(1), ct);
        await RequestsPerSecondAsync(serviceClient, path, token, concurrency, TimeSpan.FromSeconds(1), ct);
        var viaPublic = await RequestsPerSecondAsync(publicClient, path, null, concurrency, each, ct);
        var viaGateway = await RequestsPerSecondAsync(gatewayClient, path, null, concurrency, each, ct);
        var direct = await RequestsPerSecondAsync(serviceClient, path, token, concurrency, each, ct);
        return new PortHopFigures($"GET {path}", concurrency, each.TotalSeconds, viaPublic, viaGateway, direct,
            publicUri.Authority, gatewayUri.Authority, serviceUri.Authority);
    }

    private static HttpClient Client(Uri baseAddress, string? apiKey)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    private static async Task<double> RequestsPerSecondAsync(HttpClient client, string path, Func<string>? token,
        int concurrency, TimeSpan duration, CancellationToken ct)
    {
        var done = 0;
        var clock = Stopwatch.StartNew();
        async Task LoopAsync()
        {
            while (clock.Elapsed < duration)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token());
                using var response = await client.SendAsync(request, ct);
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new BenchFailure("port hop", $"{client.BaseAddress}{path.TrimStart('/')}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                await response.Content.CopyToAsync(Stream.Null, ct);
                Interlocked.Increment(ref done);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(LoopAsync, ct)));
        return done / clock.Elapsed.TotalSeconds;
    }
}
