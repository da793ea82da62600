using System.Security.Cryptography;
using GrowthKit.Model.Audit;
using Npgsql;

namespace GrowthKit.Platform.Persistence.Audit;

/// <summary>The platform's audit key, given to the service that signs chain heads (never logged).</summary>
public sealed class AuditSigner(ECDsa key, TimeProvider clock)
{
    public const string ConfigurationKey = "GrowthKit:AuditSigningKey";

    public string PublicKey { get; } = AuditKey.PublicKey(key);

    public string KeyId => AuditKey.KeyId(PublicKey);

    public ECDsa Verifier { get; } = AuditKey.FromPublicKey(AuditKey.PublicKey(key));

    public (ChainCheckpoint Checkpoint, string Signature) Sign(string tenantId, string service, long position, string hash)
    {
        var checkpoint = new ChainCheckpoint(tenantId, service, position, hash, ChainLink.FormatTimestamp(clock.GetUtcNow()), KeyId);
        return (checkpoint, checkpoint.Sign(key));
    }

    /// <summary>Signs every chain head that moved since its last checkpoint. Returns how many were signed.</summary>
    public async Task<int> CheckpointAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var heads = new List<(string Tenant, string Service, long Position, string Hash)>();
        await using (var command = new NpgsqlCommand($"""
            select h.tenant_id, h.service, h.position, h.hash from {AuditTables.Schema}.chain_heads h
            where h.position > 0 and not exists (select 1 from {AuditTables.Schema}.checkpoints k
              where k.tenant_id = h.tenant_id and k.service = h.service and k.position >= h.position)
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) heads.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        }
        foreach (var head in heads)
        {
            var (checkpoint, signature) = Sign(head.Tenant, head.Service, head.Position, head.Hash);
            await using var insert = new NpgsqlCommand($"""
                insert into {AuditTables.Schema}.checkpoints (tenant_id, service, position, hash, signed_at, key_id, signature)
                values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing
                """, connection);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.TenantId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.Service });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint.Position });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.Hash });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.SignedAt });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.KeyId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = signature });
            await insert.ExecuteNonQueryAsync(ct);
        }
        return heads.Count;
    }
}
