using System.Text.Json;

namespace GrowthKit.Model.Audit;

/// <summary>
/// The lines of an audit export (NDJSON, one object per line, told apart by <c>kind</c>): a header,
/// then per service its events in chain order, the signed checkpoints among them, and a head signed
/// at export time. Each event line carries its hash and the previous one, so the signed head vouches
/// for every line before it.
/// </summary>
public static class ExportLines
{
    public const string Header = "header";
    public const string Event = "event";
    public const string Checkpoint = "checkpoint";
    public const string Head = "head";
}

public sealed record ExportHeader(string Kind, string TenantId, string ExportedAt, string? From, string? To,
    string ModelVersion, string PublicKey, string KeyId, IReadOnlyList<string> Services);

public sealed record ExportEvent(string Kind, string Service, long Position, Guid Stream, long Version, string Type,
    string Timestamp, string? Who, string? Why, JsonElement Data, string Prev, string Hash, bool Backfilled)
{
    public ChainLink Link() => new(Type, Stream, Version, Timestamp, Who, Why, Data, Prev);
}

/// <summary>A checkpoint stored at append time, or (kind <c>head</c>) the chain's head signed at export time.</summary>
public sealed record ExportCheckpoint(string Kind, string TenantId, string Service, long Position, string Hash,
    string SignedAt, string KeyId, string Signature)
{
    public ChainCheckpoint Checkpoint() => new(TenantId, Service, Position, Hash, SignedAt, KeyId);
}
