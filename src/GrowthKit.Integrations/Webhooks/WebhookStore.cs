using GrowthKit.ServiceDefaults;
using Npgsql;
using NpgsqlTypes;

namespace GrowthKit.Integrations.Webhooks;

/// <summary>A tenant's webhook; <paramref name="ProtectedSecret"/> is the signing secret encrypted with Data Protection.</summary>
public sealed record Webhook(Guid WebhookId, Guid TenantId, string Url, string[] Events, string ProtectedSecret, string Status,
    string? DisabledReason, DateTimeOffset CreatedAt);

/// <summary>A delivery waiting to be sent (or sent again): its event, as signed and posted, and how many attempts it had.</summary>
public sealed record DueDelivery(Guid DeliveryId, Guid WebhookId, string Url, string ProtectedSecret, string EventType, string Payload, int Attempts);

/// <summary>One event for one webhook, in the outbox: <paramref name="EventKey"/> makes a redelivered message add nothing.</summary>
public sealed record NewDelivery(Guid WebhookId, Guid TenantId, string EventType, string EventKey, string Payload);

public sealed record DeliveryAttempt(int Attempt, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs);

public sealed record DeliveryLog(Guid DeliveryId, string EventType, string Status, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt, IReadOnlyList<DeliveryAttempt> AttemptLog);

/// <summary>A lead's tier for an ICP as the last score announced it, to tell a tier change.</summary>
public sealed record KnownTier(Guid LeadId, Guid IcpId, int IcpVersion, int Snapshot, string Tier);

/// <summary>
/// Webhooks, the delivery outbox and its attempt log, and the last tier of each lead per ICP, in PostgreSQL.
/// Deliveries are written by the consumers (one row per event and webhook) and taken by the dispatcher with
/// SKIP LOCKED, its claim moving <c>next_attempt_at</c> ahead as a lease, so two instances never send one
/// delivery at the same time.
/// </summary>
public sealed class WebhookStore(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    private const string Schema = Extensions.Schema;

    public const string Ddl = $"""
        create table if not exists {Schema}.webhooks (
            webhook_id uuid primary key,
            tenant_id uuid not null,
            url text not null,
            events text[] not null,
            secret text not null,              -- Data Protection ciphertext; the plain secret is shown once
            status text not null,              -- active | disabled
            disabled_reason text,
            created_at timestamptz not null);
        create index if not exists webhooks_by_tenant on {Schema}.webhooks (tenant_id, created_at);
        create table if not exists {Schema}.webhook_deliveries (
            delivery_id uuid primary key,
            webhook_id uuid not null references {Schema}.webhooks on delete cascade,
            tenant_id uuid not null,
            event_type text not null,
            event_key text not null,
            payload text not null,             -- the body, exactly as signed
            status text not null,              -- pending | delivered | failed
            attempts int not null default 0,
            next_attempt_at timestamptz,
            created_at timestamptz not null,
            unique (webhook_id, event_key));
        create index if not exists webhook_deliveries_due on {Schema}.webhook_deliveries (next_attempt_at) where status = 'pending';
        create index if not exists webhook_deliveries_log on {Schema}.webhook_deliveries (webhook_id, created_at desc);
        create table if not exists {Schema}.webhook_attempts (
            delivery_id uuid not null references {Schema}.webhook_deliveries on delete cascade,
            attempt int not null,
            at timestamptz not null,
            status_code int,
            error text,
            duration_ms int not null,
            primary key (delivery_id, attempt));
        create table if not exists {Schema}.lead_tiers (
            tenant_id uuid not null,
            lead_id uuid not null,
            icp_id uuid not null,
            icp_version int not null,
            snapshot int not null,
            tier text not null,
            primary key (tenant_id, lead_id, icp_id));
        """;

    public async Task<int> CountAsync(Guid tenantId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"select count(*) from {Schema}.webhooks where tenant_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task CreateAsync(Webhook webhook, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            insert into {Schema}.webhooks (webhook_id, tenant_id, url, events, secret, status, created_at)
            values ($1, $2, $3, $4, $5, $6, $7)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = webhook.WebhookId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = webhook.TenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = webhook.Url });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = webhook.Events });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = webhook.ProtectedSecret });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = webhook.Status });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = webhook.CreatedAt.UtcDateTime });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The tenant's webhooks, oldest first; with <paramref name="activeFor"/>, only the active ones subscribed to that event.</summary>
    public async Task<IReadOnlyList<Webhook>> ListAsync(Guid tenantId, CancellationToken ct, string? activeFor = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            select webhook_id, tenant_id, url, events, secret, status, disabled_reason, created_at from {Schema}.webhooks
            where tenant_id = $1 and ($2::text is null or (status = 'active' and $2 = any(events)))
            order by created_at, webhook_id
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)activeFor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var webhooks = new List<Webhook>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            webhooks.Add(new Webhook(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
                reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return webhooks;
    }

    public async Task<bool> DeleteAsync(Guid tenantId, Guid webhookId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"delete from {Schema}.webhooks where tenant_id = $1 and webhook_id = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = webhookId });
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>Adds deliveries to the outbox, due now; one already there for the same event and webhook is kept as it is.</summary>
    public async Task EnqueueAsync(IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now, CancellationToken ct)
    {
        if (deliveries.Count == 0) return;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            insert into {Schema}.webhook_deliveries (delivery_id, webhook_id, tenant_id, event_type, event_key, payload, status, next_attempt_at, created_at)
            select u.delivery_id, u.webhook_id, u.tenant_id, u.event_type, u.event_key, u.payload, 'pending', $7, $7
            from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])
              as u(delivery_id, webhook_id, tenant_id, event_type, event_key, payload)
            on conflict (webhook_id, event_key) do nothing
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. deliveries.Select(_ => Guid.CreateVersion7())] });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. deliveries.Select(d => d.WebhookId)] });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. deliveries.Select(d => d.TenantId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. deliveries.Select(d => d.EventType)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. deliveries.Select(d => d.EventKey)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. deliveries.Select(d => d.Payload)] });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Records the new tiers (only where the score is newer than the one known) and returns the tiers they replaced,
    /// for the leads whose tier changed.
    /// </summary>
    public async Task<IReadOnlyDictionary<(Guid LeadId, Guid IcpId), string>> AdvanceTiersAsync(Guid tenantId, IReadOnlyList<KnownTier> tiers,
        CancellationToken ct)
    {
        var changed = new Dictionary<(Guid, Guid), string>();
        if (tiers.Count == 0) return changed;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // The old tier is read from the statement's snapshot, beside the upsert that replaces it (no FOR UPDATE: a row the same
        // statement updates would be skipped). Two messages racing for one lead may both report the change; each names its version.
        await using var command = new NpgsqlCommand($"""
            with incoming as (
              select * from unnest($2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::text[]) as u(lead_id, icp_id, icp_version, snapshot, tier)),
            previous as (
              select t.lead_id, t.icp_id, t.tier from {Schema}.lead_tiers t
              join incoming i on i.lead_id = t.lead_id and i.icp_id = t.icp_id
              where t.tenant_id = $1),
            upserted as (
              insert into {Schema}.lead_tiers (tenant_id, lead_id, icp_id, icp_version, snapshot, tier)
              select $1, lead_id, icp_id, icp_version, snapshot, tier from incoming
              on conflict (tenant_id, lead_id, icp_id) do update
                set icp_version = excluded.icp_version, snapshot = excluded.snapshot, tier = excluded.tier
                where (lead_tiers.icp_version, lead_tiers.snapshot) < (excluded.icp_version, excluded.snapshot)
              returning lead_id, icp_id, tier)
            select u.lead_id, u.icp_id, p.tier from upserted u join previous p on p.lead_id = u.lead_id and p.icp_id = u.icp_id
            where p.tier <> u.tier
            """, connection);
        var distinct = tiers.GroupBy(t => (t.LeadId, t.IcpId)).Select(g => g.MaxBy(t => (t.IcpVersion, t.Snapshot))!).ToList();
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. distinct.Select(t => t.LeadId)] });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. distinct.Select(t => t.IcpId)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. distinct.Select(t => t.IcpVersion)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. distinct.Select(t => t.Snapshot)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. distinct.Select(t => t.Tier)] });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) changed[(reader.GetGuid(0), reader.GetGuid(1))] = reader.GetString(2);
        return changed;
    }

    /// <summary>
    /// Takes up to <paramref name="limit"/> due deliveries of active webhooks (at most <paramref name="perWebhook"/> each, none of
    /// the webhooks in <paramref name="busy"/>), leasing them for <paramref name="lease"/>, oldest first.
    /// </summary>
    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(Guid[] busy, int perWebhook, int limit, TimeSpan lease, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            with due as (
              select d.delivery_id, row_number() over (partition by d.webhook_id order by d.next_attempt_at, d.delivery_id) as n
              from {Schema}.webhook_deliveries d join {Schema}.webhooks w on w.webhook_id = d.webhook_id
              where d.status = 'pending' and d.next_attempt_at <= now() and w.status = 'active' and d.webhook_id <> all($1)
              order by d.next_attempt_at limit 1000),
            claimed as (
              select d.delivery_id from {Schema}.webhook_deliveries d join due on due.delivery_id = d.delivery_id
              where due.n <= $2 and d.status = 'pending' and d.next_attempt_at <= now()
              order by d.next_attempt_at limit $3
              for update of d skip locked)
            update {Schema}.webhook_deliveries d set next_attempt_at = now() + $4
            from claimed, {Schema}.webhooks w
            where d.delivery_id = claimed.delivery_id and w.webhook_id = d.webhook_id
            returning d.delivery_id, d.webhook_id, w.url, w.secret, d.event_type, d.payload, d.attempts
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = busy });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = perWebhook });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        var due = new List<DueDelivery>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            due.Add(new DueDelivery(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetInt32(6)));
        }
        return due;
    }

    /// <summary>
    /// Records an attempt and what follows: delivered, another attempt at <paramref name="nextAttemptAt"/>, or failed for good
    /// (null); <paramref name="disable"/> disables the webhook too (it answered 410 Gone).
    /// </summary>
    public async Task RecordAttemptAsync(DueDelivery delivery, DeliveryAttempt attempt, bool delivered, DateTimeOffset? nextAttemptAt,
        string? disable, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand($"""
            insert into {Schema}.webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms) values ($1, $2, $3, $4, $5, $6)
            on conflict do nothing
            """, connection, tx))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = delivery.DeliveryId });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempt.Attempt });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = attempt.At.UtcDateTime });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempt.DurationMs });
            await insert.ExecuteNonQueryAsync(ct);
        }
        await using (var update = new NpgsqlCommand($"""
            update {Schema}.webhook_deliveries set attempts = $2, status = $3, next_attempt_at = $4 where delivery_id = $1
            """, connection, tx))
        {
            update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = delivery.DeliveryId });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempt.Attempt });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = delivered ? "delivered" : nextAttemptAt is null ? "failed" : "pending" });
            update.Parameters.Add(new NpgsqlParameter
            {
                Value = nextAttemptAt is { } next ? next.UtcDateTime : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz,
            });
            await update.ExecuteNonQueryAsync(ct);
        }
        if (disable is not null)
        {
            await using var off = new NpgsqlCommand(
                $"update {Schema}.webhooks set status = 'disabled', disabled_reason = $2 where webhook_id = $1", connection, tx);
            off.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = delivery.WebhookId });
            off.Parameters.Add(new NpgsqlParameter<string> { TypedValue = disable });
            await off.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The webhook's newest deliveries with their attempts, or null when the tenant has no such webhook.</summary>
    public async Task<IReadOnlyList<DeliveryLog>?> DeliveriesAsync(Guid tenantId, Guid webhookId, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var exists = new NpgsqlCommand($"select 1 from {Schema}.webhooks where tenant_id = $1 and webhook_id = $2", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            exists.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = webhookId });
            if (await exists.ExecuteScalarAsync(ct) is null) return null;
        }
        await using var command = new NpgsqlCommand($"""
            select d.delivery_id, d.event_type, d.status, d.attempts, d.created_at, d.next_attempt_at,
                   coalesce((select json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code,
                              'error', a.error, 'durationMs', a.duration_ms) order by a.attempt)
                             from {Schema}.webhook_attempts a where a.delivery_id = d.delivery_id), '[]')::text
            from {Schema}.webhook_deliveries d where d.webhook_id = $1
            order by d.created_at desc, d.delivery_id desc limit $2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = webhookId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var log = new List<DeliveryLog>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var status = reader.GetString(2);
            var attempts = System.Text.Json.JsonSerializer.Deserialize<List<DeliveryAttempt>>(reader.GetString(6),
                System.Text.Json.JsonSerializerOptions.Web) ?? [];
            log.Add(new DeliveryLog(reader.GetGuid(0), reader.GetString(1), status, reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4),
                status == "pending" && !reader.IsDBNull(5) ? reader.GetFieldValue<DateTimeOffset>(5) : null, attempts));
        }
        return log;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
