using System.Text.Json;
using Dapper;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence.Audit;
using Npgsql;

namespace GrowthKit.Scoring.Storage;

/// <summary>Each tenant's latest audit verification (<c>verifications</c> of the audit schema), kept for operators.</summary>
public static class AuditVerifications
{
    public static Task RecordAsync(NpgsqlConnection connection, string tenantId, AuditVerification result, DateTimeOffset now,
        CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition($"""
            insert into {AuditTables.Schema}.verifications (tenant_id, ok, events, first_broken, verified_at)
            values (@tenantId, @ok, @events, @firstBroken::jsonb, @now)
            on conflict (tenant_id) do update set ok = excluded.ok, events = excluded.events,
              first_broken = excluded.first_broken, verified_at = excluded.verified_at
            """, new
        {
            tenantId, ok = result.Ok, events = result.Events,
            firstBroken = result.FirstBroken is { } broken ? JsonSerializer.Serialize(broken, ModelJson.Options) : null,
            now = now.ToUniversalTime(),
        }, cancellationToken: ct));
}
