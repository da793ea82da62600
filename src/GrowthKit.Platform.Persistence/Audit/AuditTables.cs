using System.Runtime.CompilerServices;
using GrowthKit.Model.Audit;
using Npgsql;

namespace GrowthKit.Platform.Persistence.Audit;

/// <summary>
/// The audit schema, shared by the services that append chained events (ICP, scoring): one chain
/// per tenant and service, its head, the signed checkpoints, the one-time build of each service's
/// chain over events written before the chain existed, and the last verification per tenant.
/// </summary>
public static class AuditTables
{
    public const string Schema = "audit";

    // One DDL script for every service: an advisory lock keeps two services that start together
    // from racing on CREATE ... IF NOT EXISTS (which is not safe under concurrency).
    private const long DdlLock = 0x6175646974; // "audit"

    /// <summary>
    /// The tables exist: created when missing (a development or test database, where the service's
    /// login may create them). Where the database is prepared for least privilege (GrowthKit.DbSetup),
    /// they exist already and the service's role could not create them.
    /// </summary>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var exists = new NpgsqlCommand($"select to_regclass('{Schema}.verifications') is not null", connection))
        {
            if (await exists.ExecuteScalarAsync(ct) is true) return;
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        await CreateAsync(connection, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The DDL, on a connection that may create them (in the caller's transaction, if any).</summary>
    public static async Task CreateAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select pg_advisory_xact_lock({DdlLock});
            create schema if not exists {Schema};
            create table if not exists {Schema}.chain_heads (
              tenant_id text not null, service text not null, position bigint not null, hash text not null,
              primary key (tenant_id, service));
            create table if not exists {Schema}.chain (
              tenant_id text not null, service text not null, position bigint not null, event_seq bigint not null,
              stream_id uuid not null, version bigint not null, type text not null, who text, why text,
              prev_hash text not null, hash text not null, backfilled boolean not null default false,
              primary key (tenant_id, service, position));
            create unique index if not exists chain_event on {Schema}.chain (service, event_seq);
            create table if not exists {Schema}.checkpoints (
              tenant_id text not null, service text not null, position bigint not null, hash text not null,
              signed_at text not null, key_id text not null, signature text not null,
              primary key (tenant_id, service, position));
            create table if not exists {Schema}.backfills (
              service text primary key, tenants int not null, events bigint not null, done_at timestamptz not null);
            create table if not exists {Schema}.verifications (
              tenant_id text primary key, ok boolean not null, events bigint not null, first_broken jsonb,
              verified_at timestamptz not null);
            """, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<bool> HasEventsAsync(NpgsqlConnection connection, ChainedService service, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select to_regclass($1) is not null", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{service.EventSchema}.mt_events" });
        return await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>The signed checkpoints of one tenant's chain of <paramref name="service"/>, in order, with their signatures: what verification checks and an export carries.</summary>
    public static async IAsyncEnumerable<(ChainCheckpoint Checkpoint, string Signature)> CheckpointsAsync(NpgsqlConnection connection,
        NpgsqlTransaction? tx, string tenantId, string service, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select position, hash, signed_at, key_id, signature from {Schema}.checkpoints
            where tenant_id = @tenant and service = @service order by position
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string>("tenant", tenantId));
        command.Parameters.Add(new NpgsqlParameter<string>("service", service));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return (new ChainCheckpoint(tenantId, service, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)),
                reader.GetString(4));
        }
    }
}
