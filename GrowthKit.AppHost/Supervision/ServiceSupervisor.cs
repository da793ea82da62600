using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrowthKit.AppHost.Supervision;

/// <summary>
/// Aspire does not restart a process that dies. This watches every project resource (the services,
/// the gateway, the web app) and starts one again through its start command when it exits without
/// having been asked to stop; <see cref="SupervisionPolicy"/> decides. Off with
/// <c>GrowthKit:SuperviseServices=false</c>.
/// </summary>
public sealed class ServiceSupervisor(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    ILogger<ServiceSupervisor> logger) : BackgroundService
{
    public const string SettingKey = "GrowthKit:SuperviseServices";

    private readonly Dictionary<string, SupervisedResource> _resources = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var supervised = model.Resources.OfType<ProjectResource>()
            .Where(r => !r.Annotations.OfType<OneShotAnnotation>().Any())
            .Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        try
        {
            await foreach (var change in notifications.WatchAsync(stoppingToken))
            {
                if (!supervised.Contains(change.Resource.Name)) continue;
                var id = change.ResourceId;
                var state = change.Snapshot.State?.Text;
                var decision = SupervisionPolicy.Observe(_resources.GetValueOrDefault(id) ?? new SupervisedResource(),
                    state, TimeProvider.System.GetUtcNow(), ShuttingDown);
                _resources[id] = decision.Next;
                if (decision.RestartAfter is { } pause)
                {
                    logger.LogWarning("{Resource} exited ({State}, exit code {ExitCode}) without a stop request; starting it again in {Pause} s",
                        id, state, change.Snapshot.ExitCode, pause.TotalSeconds);
                    _ = RestartAsync(id, pause, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private bool ShuttingDown => lifetime.ApplicationStopping.IsCancellationRequested;

    private async Task RestartAsync(string resourceId, TimeSpan pause, CancellationToken ct)
    {
        try
        {
            if (pause > TimeSpan.Zero) await Task.Delay(pause, ct);
            if (ShuttingDown) return;
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, ct);
            if (result.Success) logger.LogInformation("{Resource} started again", resourceId);
            else logger.LogError("Starting {Resource} again failed: {Message}", resourceId, result.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Starting {Resource} again failed", resourceId);
        }
    }
}

public static class ServiceSupervisionExtensions
{
    /// <summary>Restarts services that die, unless <c>GrowthKit:SuperviseServices</c> is false.</summary>
    public static IDistributedApplicationBuilder AddServiceSupervision(this IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue(ServiceSupervisor.SettingKey, true))
        {
            builder.Services.AddHostedService<ServiceSupervisor>();
        }
        return builder;
    }
}

/// <summary>A project that runs once and exits by design (the database set-up): never restarted.</summary>
public sealed class OneShotAnnotation : IResourceAnnotation;
