using System.Text.Json;

namespace GrowthKit.Web.Api;

public sealed partial class GatewayApi
{
    /// <summary>The CRMs GrowthKit connects to, as the routes name them.</summary>
    public static readonly IReadOnlyList<string> CrmKinds = ["hubspot", "pipedrive"];

    public Task<ApiResult<ConnectionView>> ConnectionAsync(string kind, CancellationToken ct = default) =>
        SendAsync<ConnectionView>(HttpMethod.Get, $"/api/integrations/{kind}", ct: ct);

    /// <summary>The token travels once, to the gateway; GrowthKit stores it encrypted and never shows it again.</summary>
    public Task<ApiResult<ConnectionView>> ConnectAsync(string kind, string accessToken, string? baseUrl, CancellationToken ct = default) =>
        SendAsync<ConnectionView>(HttpMethod.Put, $"/api/integrations/{kind}",
            new ConnectRequest { AccessToken = accessToken, BaseUrl = string.IsNullOrWhiteSpace(baseUrl) ? null : baseUrl.Trim() }, ct: ct);

    public Task<ApiResult<JsonElement>> DisconnectAsync(string kind, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Delete, $"/api/integrations/{kind}", ct: ct);

    public Task<ApiResult<JsonElement>> StartSyncAsync(string kind, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"/api/integrations/{kind}/sync", new { }, ct: ct);

    public Task<ApiResult<SyncView>> SyncAsync(string kind, CancellationToken ct = default) =>
        SendAsync<SyncView>(HttpMethod.Get, $"/api/integrations/{kind}/sync", ct: ct);
}
