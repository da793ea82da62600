using System.Diagnostics;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.MultiTenancy;
using Marten;
using Marten.Events.Daemon.HighWater;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Weasel.Core;

namespace GrowthKit.Platform.Persistence;

public static class EventStore
{
    public const string ConnectionName = Database.ConnectionName;
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    /// <summary>
    /// Marten with one schema per service, conjoined tenancy for documents and events, event
    /// headers (trace context travels in them) and the async daemon for subscriptions.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddGrowthKitMarten(
        this IHostApplicationBuilder builder, string schema, Action<StoreOptions>? configure = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
                               ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not configured.");

        builder.Services.AddHealthChecks().AddNpgSql(connectionString, name: "postgres", tags: ["ready"]);
        // A request that meets a PostgreSQL outage is answered 503 with Retry-After, never 500.
        builder.Services.AddExceptionHandler<Resilience.OutageExceptionHandler>();
        // Outside development the service never changes its schema: db-apply does (SchemaMigrations).
        var applyOnStartup = builder.ApplyOnStartup();
        builder.Services.AddDatabaseMigration(sp => new MartenMigration(sp.GetRequiredService<IDocumentStore>(), schema));

        return builder.Services.AddMarten(opts =>
            {
                opts.Connection(DaemonFailover.WithClientConnectionCheck(connectionString));
                opts.DatabaseSchemaName = schema;
                opts.Events.DatabaseSchemaName = schema;
                opts.Events.TenancyStyle = TenancyStyle.Conjoined;
                opts.Events.MetadataConfig.HeadersEnabled = true;
                opts.Policies.AllDocumentsAreMultiTenanted();
                opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                // Each service migrates its own schema: one lock per schema, so services starting together
                // never queue behind each other's migrations (replicas of one service still take turns),
                // with room for a slow start on a busy machine.
                opts.ApplyChangesLockId = SchemaLockId(schema);
                opts.ApplyChangesLockTimeout = TimeSpan.FromMinutes(2);
                // An append wakes the daemon at once (PostgreSQL NOTIFY) instead of waiting for its next
                // poll, so a relay announces a committed event within milliseconds; polling stays as the net.
                opts.Events.UseListenNotifyForEventAppends = true;
                opts.AutoCreateSchemaObjects = applyOnStartup ? AutoCreate.CreateOrUpdate : AutoCreate.None;
                // Replicas (GROWTHKIT_REPLICAS): each relay/projection shard runs on one node at a time under a
                // session advisory lock; a dead node's lock goes with its connection and another node takes
                // the shard at its next poll, so failover takes about this long.
                opts.Projections.LeadershipPollingTime = DaemonLeadershipPollingMilliseconds;
                configure?.Invoke(opts);
            })
            .UseLightweightSessions()
            .AddAsyncDaemon(DaemonMode.HotCold);
    }

    /// <summary>How often a node without a shard's lock tries to take it (Marten's default is 5 s).</summary>
    public const int DaemonLeadershipPollingMilliseconds = 2000;

    /// <summary>
    /// Wakes every daemon listening for appends, as Marten does after its own appends when
    /// <c>UseListenNotifyForEventAppends</c> is on; for events written by set-based SQL of our own.
    /// A plain NOTIFY: it returns no rows (it can share a batch with others) and has no ';' (Marten
    /// refuses one in a queued command).
    /// </summary>
    public const string NotifyEventsAppendedSql = $"NOTIFY {PostgresqlListenWakeup.DefaultChannel}";

    /// <summary>A stable advisory-lock id per schema (the first four bytes of its SHA-256).</summary>
    public static int SchemaLockId(string schema) =>
        BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("growthkit-marten-schema:" + schema)), 0);

    /// <summary>
    /// Events are relayed to the broker after the request has ended; carrying the W3C trace context
    /// in the events' headers lets the relay continue the request's trace.
    /// </summary>
    public static void StampTraceContext(this IDocumentSession session)
    {
        if (Activity.Current is not { } activity) return;
        session.SetHeader(TraceParentHeader, activity.Id!);
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            session.SetHeader(TraceStateHeader, activity.TraceStateString);
        }
    }

    public static ActivityContext? TraceContext(this IEvent @event)
    {
        var parent = @event.GetHeader(TraceParentHeader)?.ToString();
        var state = @event.GetHeader(TraceStateHeader)?.ToString();
        return parent is not null && ActivityContext.TryParse(parent, state, out var context) ? context : null;
    }
}
