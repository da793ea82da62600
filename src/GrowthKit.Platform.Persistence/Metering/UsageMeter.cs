using System.Globalization;
using System.Security.Claims;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace GrowthKit.Platform.Persistence.Metering;

/// <summary>What a service answers the gateway's usage fan-out: its counters for one tenant and month.</summary>
public sealed record UsageReport(string Service, string Period, IReadOnlyDictionary<string, long> Counters);

/// <summary>
/// A tenant's usage per calendar month (UTC), counted by the service that knows whether a write
/// changed anything, in that write's own transaction and in the service's own schema: a retried
/// request or a re-sent batch that records nothing counts nothing. A counter with a quota carries
/// the quota on its row and a check constraint holds it, so two requests racing past the quota
/// cannot both commit — the loser's transaction fails as a whole, writes and count together.
/// </summary>
public static class UsageMeter
{
    public const string LeadsAccepted = "leadsAccepted";
    public const string LeadsScored = "leadsScored";
    public const string DealsAccepted = "dealsAccepted";

    private const string Table = "usage";
    private const string QuotaConstraint = "usage_within_quota";

    /// <summary>The calendar month (UTC) an instant counts in: <c>YYYY-MM</c>.</summary>
    public static string Period(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static bool IsPeriod(string? text) =>
        text is { Length: 7 } && DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>Whole seconds (at least 1) to the start of the next calendar month, UTC: the quota's Retry-After.</summary>
    public static int SecondsToNextPeriod(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var next = new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
        return Math.Max(1, (int)Math.Ceiling((next - utc).TotalSeconds));
    }

    private static string Upsert(string schema) => $"""
        insert into {schema}.{Table} as u (tenant_id, period, counter, count, quota) values (?, ?, ?, ?, ?)
        on conflict (tenant_id, period, counter) do update set count = u.count + excluded.count, quota = excluded.quota
        """;

    /// <summary>Queues the count on a Marten session, to commit with what the session writes.</summary>
    public static void Queue(IDocumentSession session, string schema, Guid tenantId, DateTimeOffset now, string counter,
        long count, long? quota = null)
    {
        if (count <= 0) return;
        session.QueueSqlCommand(Upsert(schema), tenantId, Period(now), counter, count, (object?)quota ?? DBNull.Value);
    }

    /// <summary>
    /// Queues the count keeping the quota the row already carries: for writes that do not come with
    /// the tenant's token (a CRM sync, an import), so the quota the last request set still holds.
    /// </summary>
    public static void QueueKeepingQuota(IDocumentSession session, string schema, Guid tenantId, DateTimeOffset now,
        string counter, long count)
    {
        if (count <= 0) return;
        session.QueueSqlCommand($"""
            insert into {schema}.{Table} as u (tenant_id, period, counter, count) values (?, ?, ?, ?)
            on conflict (tenant_id, period, counter) do update set count = u.count + excluded.count
            """, tenantId, Period(now), counter, count);
    }

    /// <summary>Counts on a connection, inside the caller's transaction.</summary>
    public static async Task AddAsync(NpgsqlConnection connection, string schema, Guid tenantId, DateTimeOffset now,
        string counter, long count, CancellationToken ct)
    {
        if (count <= 0) return;
        await using var command = new NpgsqlCommand($"""
            insert into {schema}.{Table} as u (tenant_id, period, counter, count) values ($1, $2, $3, $4)
            on conflict (tenant_id, period, counter) do update set count = u.count + excluded.count
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Period(now) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = counter });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = count });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>True when a write failed because its count would pass the tenant's quota.</summary>
    public static bool IsQuotaExceeded(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is PostgresException { SqlState: PostgresErrorCodes.CheckViolation, ConstraintName: QuotaConstraint }) return true;
        }
        return false;
    }

    /// <summary>429 with <c>Retry-After</c> (set on the response): the seconds to the next calendar month, when the quota starts over.</summary>
    public static ProblemHttpResult QuotaExceeded(HttpContext context, DateTimeOffset now, int leadsPerMonth)
    {
        var retryAfter = SecondsToNextPeriod(now);
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            type: Quotas.ExceededType,
            title: "Monthly lead quota exceeded.",
            detail: $"The tenant's quota of {leadsPerMonth} leads this month is used up; it starts over in {retryAfter} s (the next calendar month, UTC).",
            extensions: new Dictionary<string, object?> { ["leadsPerMonth"] = leadsPerMonth });
    }

    public static async Task<IReadOnlyDictionary<string, long>> ReadAsync(IDocumentStore store, string schema, Guid tenantId,
        string period, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select counter, count from {schema}.{Table} where tenant_id = $1 and period = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = period });
        var counters = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) counters[reader.GetString(0)] = reader.GetInt64(1);
        return counters;
    }

    /// <summary>The meter's table in the service's schema (made here if Marten has not made the schema yet).</summary>
    public static IHostApplicationBuilder AddUsageMeter(this IHostApplicationBuilder builder, string schema)
    {
        // A schema object of the service's Marten store: its migration creates the table.
        builder.Services.AddHandWrittenTables($"{schema}.{Table}", $"""
            create table if not exists {schema}.{Table} (
                tenant_id uuid not null,
                period text not null,
                counter text not null,
                count bigint not null,
                quota bigint,
                primary key (tenant_id, period, counter),
                constraint {QuotaConstraint} check (quota is null or count <= quota));
            """);
        return builder;
    }

    /// <summary>The gateway's usage fan-out reaches this with the platform token; tenants never do.</summary>
    public static IEndpointRouteBuilder MapUsageEndpoint(this IEndpointRouteBuilder app, string service, string schema)
    {
        app.MapGet("internal/usage/{tenantId:guid}", async Task<Results<Ok<UsageReport>, ProblemHttpResult>> (
                Guid tenantId, IDocumentStore store, TimeProvider clock, CancellationToken ct, string? period = null) =>
            {
                if (period is not null && !IsPeriod(period)) return ApiDefaults.FieldProblem("period", "period is a month: YYYY-MM.");
                var month = period ?? Period(clock.GetUtcNow());
                return TypedResults.Ok(new UsageReport(service, month, await ReadAsync(store, schema, tenantId, month, ct)));
            })
            .RequireAuthorization(InternalToken.PlatformPolicy)
            .ExcludeFromDescription();
        return app;
    }
}

/// <summary>The tenant's quota as the gateway puts it in the internal token.</summary>
public static class Quotas
{
    /// <summary>Claim of the internal token: the tenant's leads per month; absent when it has no quota.</summary>
    public const string LeadsPerMonthClaim = "leads-per-month";

    public const string ExceededType = "urn:growthkit:problem:quota-exceeded";

    public static int? LeadsPerMonth(this ClaimsPrincipal user) =>
        user.FindFirstValue(LeadsPerMonthClaim) is { } value && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var quota)
            ? quota
            : null;
}
