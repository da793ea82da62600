using System.Collections.Concurrent;
using GrowthKit.Gateway.Proxy;

namespace GrowthKit.Gateway.Docs;

/// <summary>
/// Each service's own OpenAPI document (Microsoft.AspNetCore.OpenApi, at the service's
/// <c>/openapi/v1.json</c>), fetched through service discovery when the public document is first
/// asked for and kept for <see cref="Lifetime"/>: a redeployed service shows up within that time.
/// Only the text is kept; every merge parses it afresh, so merging never changes what is cached.
/// </summary>
public sealed class ServiceDocuments(IHttpClientFactory clients, TimeProvider clock, ILogger<ServiceDocuments> logger)
{
    public const string ClientName = "service-documents";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (string Json, DateTimeOffset FetchedAt)> _cache = new();

    public async Task<IReadOnlyList<(string Service, string Json)>> GetAllAsync(CancellationToken ct) =>
        await Task.WhenAll(ProxyRoutes.Services.Select(async service => (service, await GetAsync(service, ct))));

    private async Task<string> GetAsync(string service, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(service, out var cached) && now - cached.FetchedAt < Lifetime) return cached.Json;
        try
        {
            var json = await clients.CreateClient(ClientName).GetStringAsync($"http://{service}/openapi/v1.json", ct);
            _cache[service] = (json, now);
            return json;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && cached.Json is not null && !ct.IsCancellationRequested)
        {
            // A service restarting keeps its last document; one never fetched fails the request (a
            // document without that service would mislead), and the next request tries again.
            logger.LogWarning(e, "The {Service} service's OpenAPI document could not be fetched; the one from {FetchedAt} is served.", service, cached.FetchedAt);
            return cached.Json;
        }
    }
}
