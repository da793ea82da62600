using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GrowthKit.AppHost;

public enum InfrastructureMode { Containers, LocalProcesses }

/// <param name="Database">The superuser's connection: only the database set-up uses it.</param>
/// <param name="LoginFor">A connection to the same database as another login (user name and its password).</param>
public sealed record GrowthKitInfrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Messaging,
    Func<string, IResourceBuilder<ParameterResource>, ReferenceExpression> LoginFor);

public static class Infrastructure
{
    public const string DatabaseName = "growthkit";
    public const string MessagingName = "messaging";
    /// <summary>The application's RabbitMQ vhost (local processes); its user has no administrator tag.</summary>
    public const string VirtualHost = "growthkit";

    /// <summary>
    /// <c>GrowthKit:Infrastructure</c> = <c>containers</c> | <c>local</c> forces the choice; otherwise
    /// containers exactly when a container runtime answers.
    /// </summary>
    public static InfrastructureMode Choose(string? setting, Func<bool> containerRuntimeAnswers) =>
        setting?.Trim().ToLowerInvariant() switch
        {
            "containers" => InfrastructureMode.Containers,
            "local" => InfrastructureMode.LocalProcesses,
            _ => containerRuntimeAnswers() ? InfrastructureMode.Containers : InfrastructureMode.LocalProcesses,
        };

    public static GrowthKitInfrastructure AddGrowthKitInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var mode = Choose(builder.Configuration["GrowthKit:Infrastructure"], DockerAnswers);
        return mode == InfrastructureMode.Containers
            ? AddContainers(builder)
            : LocalInfrastructure.Add(builder);
    }

    private static GrowthKitInfrastructure AddContainers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume();
        var rabbit = builder.AddRabbitMQ(MessagingName).WithDataVolume();
        var endpoint = postgres.Resource.PrimaryEndpoint;
        return new GrowthKitInfrastructure(InfrastructureMode.Containers,
            postgres.AddDatabase(DatabaseName), rabbit,
            (user, password) => ReferenceExpression.Create(
                $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username={user};Password={password};Database={DatabaseName}"));
    }

    /// <summary>`docker info` fails fast when only the client is installed (no daemon).</summary>
    private static bool DockerAnswers()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null) return false;
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }
}
