using System.Text.Json;

namespace GrowthKit.Integrations.Connections;

/// <summary>The CRMs a tenant can connect, one connection per kind.</summary>
public static class CrmKinds
{
    public const string HubSpot = "hubspot";
    public const string Pipedrive = "pipedrive";

    public static readonly IReadOnlyList<string> All = [HubSpot, Pipedrive];

    public static bool IsKnown(string? kind) => kind is HubSpot or Pipedrive;

    /// <summary>The vendor's public API, when a connection names no base URL.</summary>
    public static Uri DefaultBaseUrl(string kind) => kind switch
    {
        HubSpot => new Uri("https://api.hubapi.com/"),
        Pipedrive => new Uri("https://api.pipedrive.com/"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown CRM kind."),
    };
}

/// <summary>
/// Where the incremental syncs of a connection stand: an opaque position per object type (companies,
/// deals), written after each page, so a sync that stops anywhere resumes from the last page it finished.
/// </summary>
public sealed record SyncCursor(string? Companies, string? Deals);

/// <summary>
/// A tenant's connection to one CRM (the document id is the kind), written only by its API. The token
/// is kept only as Data Protection ciphertext (<see cref="TokenVault"/>); it is never returned or logged.
/// </summary>
public sealed record CrmConnection(string Id, Guid TenantId, string ProtectedToken, string BaseUrl, DateTimeOffset ConnectedAt)
{
    public string Kind => Id;
}

public static class SyncStatuses
{
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";
}

/// <summary>A record a sync could not take, and why (never anything secret).</summary>
public sealed record SyncError(string Record, string Message);

/// <summary>
/// The latest sync of a connection (the document id is the kind), written by the sync alone after each
/// page: its progress counters and the cursor it has reached, which the next run starts from. A run
/// left <see cref="SyncStatuses.Running"/> by a stopped process is resumed from that cursor.
/// </summary>
public sealed record CrmSync(
    string Id,
    Guid TenantId,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    int Companies,
    int Contacts,
    int Deals,
    int LeadsUpserted,
    int DealsRecorded,
    int ErrorCount,
    IReadOnlyList<SyncError> Errors,
    string? Failure,
    SyncCursor Cursor,
    DateTimeOffset? LastSyncAt)
{
    /// <summary>At most this many errors are kept with their message; all are counted.</summary>
    public const int KeptErrors = 100;

    /// <summary>A new run from where the previous one got to.</summary>
    public static CrmSync Start(string kind, Guid tenant, CrmSync? previous, DateTimeOffset now) =>
        new(kind, tenant, SyncStatuses.Running, now, null, 0, 0, 0, 0, 0, 0, [], null,
            previous?.Cursor ?? new SyncCursor(null, null), previous?.LastSyncAt);

    public CrmSync WithErrors(IEnumerable<SyncError> errors)
    {
        var list = errors.ToList();
        return this with { ErrorCount = ErrorCount + list.Count, Errors = [.. Errors, .. list.Take(Math.Max(0, KeptErrors - Errors.Count))] };
    }
}

/// <summary>
/// What a sync last sent for one CRM record (id: the lead's externalId or the deal's dealId), as a
/// hash of the JSON sent: a record the CRM reports again unchanged (the overlap window, a resumed page,
/// a re-sync) is skipped instead of sent.
/// </summary>
public sealed record SyncedRecord(string Id, string Hash, DateTimeOffset SentAt);

/// <summary>A CRM record mapped onto the public API's shape: a lead or a deal as JSON, or why it could not be.</summary>
public sealed record MappedRecord(string Id, JsonElement? Json, string? Error);
