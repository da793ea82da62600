using System.Text.Json;

namespace GrowthKit.Web.Api;

public sealed partial class GatewayApi
{
    /// <summary>The CRMs GrowthKit connects to, as the routes name them.</summary>
    public static readonly IReadOnlyList<string> CrmKinds = ["hubspot", "pipedrive"];

    public Task<ApiResult<CrmConnection>> ConnectionAsync(string kind, CancellationToken ct = default) =>
        SendAsync<CrmConnection>(HttpMethod.Get, $"/api/integrations/{kind}", ct: ct);

    /// <summary>The token travels once, to the gateway; GrowthKit stores it encrypted and never shows it again.</summary>
    public Task<ApiResult<CrmConnection>> ConnectAsync(string kind, string accessToken, string? baseUrl, CancellationToken ct = default) =>
        SendAsync<CrmConnection>(HttpMethod.Put, $"/api/integrations/{kind}",
            new { accessToken, baseUrl = string.IsNullOrWhiteSpace(baseUrl) ? null : baseUrl.Trim() }, ct: ct);

    public Task<ApiResult<JsonElement>> DisconnectAsync(string kind, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Delete, $"/api/integrations/{kind}", ct: ct);

    public Task<ApiResult<JsonElement>> StartSyncAsync(string kind, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"/api/integrations/{kind}/sync", new { }, ct: ct);

    public Task<ApiResult<SyncProgress>> SyncAsync(string kind, CancellationToken ct = default) =>
        SendAsync<SyncProgress>(HttpMethod.Get, $"/api/integrations/{kind}/sync", ct: ct);
}

/// <summary>A CRM connection (../shared/API.md, Integrations); the token is never part of it.</summary>
public sealed record CrmConnection(string Kind, string Status, DateTimeOffset? LastSyncAt, JsonElement? Cursor);

/// <summary>The last (or running) sync of a connection.</summary>
public sealed record SyncProgress(
    string Status, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    long Companies, long Contacts, long Deals, long LeadsUpserted, long DealsRecorded, JsonElement? Errors)
{
    public bool Running => Status == "running";

    /// <summary>How many records failed: the API may answer a count or the list of errors.</summary>
    public int ErrorCount => Errors switch
    {
        { ValueKind: JsonValueKind.Number } n => n.GetInt32(),
        { ValueKind: JsonValueKind.Array } a => a.GetArrayLength(),
        _ => 0,
    };

    /// <summary>The first few errors as text, when the API lists them.</summary>
    public IEnumerable<string> ErrorLines =>
        Errors is { ValueKind: JsonValueKind.Array } a
            ? a.EnumerateArray().Take(10).Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())
            : [];
}
