using GrowthKit.Integrations.Connections;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace GrowthKit.Integrations.Sync;

/// <summary>One sync of one connection, now (on demand, or because the sweep found it due).</summary>
public sealed class CrmSyncJob(SyncRunner runner, IHostApplicationLifetime lifetime) : IJob
{
    public const string TenantKey = "tenant";
    public const string KindKey = "kind";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var tenant = Guid.Parse(context.MergedJobDataMap.GetString(TenantKey)!);
        var kind = context.MergedJobDataMap.GetString(KindKey)!;
        // Stopping the service stops the sync after its last saved page; the next sweep resumes it.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await runner.RunAsync(tenant, kind, stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}

/// <summary>
/// Every <see cref="SyncOptions.SweepInterval"/>: starts a sync of each connection that is due (never
/// synced, or last synced <see cref="SyncOptions.Interval"/> ago) or whose run was left running by a
/// stopped process. A connection already syncing elsewhere is skipped by its lock, not here.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DueSyncsJob(IDocumentStore store, TimeProvider clock, IOptions<SyncOptions> options) : IJob
{
    public static readonly JobKey Key = new("crm-due-syncs", "crm");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var connections = await session.Query<CrmConnection>().Where(c => c.AnyTenant()).ToListAsync(ct);
        var syncs = (await session.Query<CrmSync>().Where(s => s.AnyTenant()).ToListAsync(ct))
            .ToDictionary(s => (s.TenantId, s.Id));
        var now = clock.GetUtcNow();
        foreach (var connection in connections)
        {
            var sync = syncs.GetValueOrDefault((connection.TenantId, connection.Id));
            var due = sync is null or { Status: SyncStatuses.Running }
                      || (sync.FinishedAt ?? sync.StartedAt) + options.Value.Interval <= now;
            if (due) await SyncScheduling.StartAsync(context.Scheduler, connection.TenantId, connection.Kind, ct);
        }
    }
}

public static class SyncScheduling
{
    /// <summary>Starts a sync of the connection now, on the scheduler's threads.</summary>
    public static async Task StartAsync(IScheduler scheduler, Guid tenant, string kind, CancellationToken ct)
    {
        var job = JobBuilder.Create<CrmSyncJob>()
            .WithIdentity($"crm-sync-{tenant:N}-{kind}-{Guid.NewGuid():N}", "crm")
            .UsingJobData(CrmSyncJob.TenantKey, tenant.ToString())
            .UsingJobData(CrmSyncJob.KindKey, kind)
            .Build();
        await scheduler.ScheduleJob(job, TriggerBuilder.Create().StartNow().Build(), cancellationToken: ct);
    }

    /// <summary>
    /// The sync engine: Quartz.NET (in memory; the database lock keeps one sync per connection across
    /// instances), the sweep that schedules each connection, and the runner.
    /// </summary>
    public static IHostApplicationBuilder AddCrmSync(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<SyncOptions>(builder.Configuration.GetSection(SyncOptions.Section));
        var connectionString = builder.Configuration.GetConnectionString(ServiceDefaults.Database.ConnectionName)
                               ?? throw new InvalidOperationException($"ConnectionStrings:{ServiceDefaults.Database.ConnectionName} is not configured.");
        // Unpooled: a lock's session must end with its connection.
        builder.Services.AddSingleton(new SyncLocks(NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString)));
        builder.Services.AddSingleton<SyncRunner>();
        var sweep = builder.Configuration.GetSection(SyncOptions.Section).Get<SyncOptions>()?.SweepInterval
                    ?? new SyncOptions().SweepInterval;
        builder.Services.AddQuartz(q =>
        {
            q.ScheduleJob<DueSyncsJob>(
                trigger => trigger.StartAt(DateTimeOffset.UtcNow + sweep).WithSimpleSchedule(s => s.WithInterval(sweep).RepeatForever()),
                job => job.WithIdentity(DueSyncsJob.Key));
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);
        return builder;
    }
}
