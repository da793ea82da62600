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

/// <summary>The last (or running) sync of a connection: counters, the records that failed, and why a failed run stopped.</summary>
public sealed record SyncProgress(
    string Status, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    long Companies, long Contacts, long Deals, long LeadsUpserted, long DealsRecorded, long Errors,
    IReadOnlyList<SyncRecordError>? ErrorDetails, string? Failure)
{
    public bool Running => Status == "running";

    /// <summary>The first few failed records, as text.</summary>
    public IEnumerable<string> ErrorLines => (ErrorDetails ?? []).Take(10).Select(e => $"{e.Record}: {e.Message}");
}

public sealed record SyncRecordError(string Record, string Message);
