using GrowthKit.ServiceDefaults;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace GrowthKit.Gateway.RateLimiting;

/// <summary>What one take from a bucket came to.</summary>
/// <param name="RetryAfter">When the refused take would fit; zero when granted.</param>
public readonly record struct BucketTake(bool Granted, TimeSpan RetryAfter);

/// <summary>The shape of one bucket: a steady rate and room for bursts.</summary>
public sealed record BucketShape(double PerSecond, double Burst);

/// <summary>
/// Token buckets kept in PostgreSQL, so every gateway replica draws on the same budget. A take is
/// one statement — one round trip — that refills the bucket for the time since its last take, takes
/// the cost when it fits, and says whether it did; the row lock orders concurrent takes. The table
/// is unlogged: a bucket is worth nothing after a crash, and skipping the WAL keeps takes cheap.
/// </summary>
public sealed class SharedTokenBucket(IDocumentStore store, TimeProvider clock)
{
    public const string Schema = "gateway";
    private const string Table = $"{Schema}.rate_buckets";

    /// <summary>Buckets idle this long are full again; removing them changes nothing.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(1);

    // $1 key, $2 cost, $3 tokens per second, $4 burst, $5 now. The refill never runs backwards
    // (a take that waited for the row lock may carry an earlier now than the one before it).
    private const string Take = $"""
        insert into {Table} as b (key, tokens, updated_at, granted)
        values ($1, $4 - $2, $5, true)
        on conflict (key) do update set
            granted = least($4, b.tokens + greatest(0, extract(epoch from $5 - b.updated_at)) * $3) >= $2,
            tokens = least($4, b.tokens + greatest(0, extract(epoch from $5 - b.updated_at)) * $3)
                     - case when least($4, b.tokens + greatest(0, extract(epoch from $5 - b.updated_at)) * $3) >= $2 then $2 else 0 end,
            updated_at = greatest(b.updated_at, $5)
        returning granted, tokens
        """;

    /// <summary>Takes <paramref name="cost"/> tokens (at most the burst: a bigger cost takes a full bucket) from the bucket <paramref name="key"/>.</summary>
    public async Task<BucketTake> TakeAsync(string key, double cost, BucketShape shape, CancellationToken ct)
    {
        cost = Math.Min(Math.Max(cost, 1), shape.Burst);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(Take, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = cost });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = shape.PerSecond });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = shape.Burst });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = clock.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var granted = reader.GetBoolean(0);
        var tokens = reader.GetDouble(1);
        return granted
            ? new BucketTake(true, TimeSpan.Zero)
            : new BucketTake(false, TimeSpan.FromSeconds((cost - tokens) / shape.PerSecond));
    }

    /// <summary>The buckets' table, a schema object of the gateway's Marten store (its migration creates it).</summary>
    public const string Ddl = $"""
        create unlogged table if not exists {Table} (
            key text primary key,
            tokens double precision not null,
            updated_at timestamptz not null,
            granted boolean not null);
        """;

    public static string TableName => Table;

    /// <summary>Removes buckets idle for <see cref="IdleLifetime"/>: they would be full anyway.</summary>
    public async Task<int> RemoveIdleAsync(CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"delete from {Table} where updated_at < $1", connection);
        command.Parameters.Add(new NpgsqlParameter<DateTime>
        {
            TypedValue = (clock.GetUtcNow() - IdleLifetime).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz,
        });
        return await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Clears idle buckets now and then.</summary>
public sealed class SharedTokenBucketUpkeep(SharedTokenBucket buckets, ILogger<SharedTokenBucketUpkeep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(10));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await buckets.RemoveIdleAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Could not remove idle rate-limit buckets; trying again later");
            }
        }
    }
}
