using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GrowthKit.Gateway.Health;

/// <summary>
/// The gateway is ready only when a service behind it is: its <c>/health</c> must answer 200.
/// </summary>
public sealed class DownstreamHealthCheck(IHttpClientFactory clients, string service) : IHealthCheck
{
    public const string ClientName = "downstream-health";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await clients.CreateClient(ClientName)
                .GetAsync($"http://{service}/health", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
                return HealthCheckResult.Unhealthy($"{service} answered {(int)response.StatusCode}.");
            // Ready but not well (paused for an outage, messages dead-lettered): the gateway says so too.
            var status = await response.Content.ReadAsStringAsync(cancellationToken);
            return status.Trim() == nameof(HealthStatus.Degraded)
                ? HealthCheckResult.Degraded($"{service} is degraded; see its /health and GET /admin/dead-letters.")
                : HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            // Unreachable, unresolvable or too slow: all mean "not ready".
            return HealthCheckResult.Unhealthy($"{service} did not answer.", e);
        }
    }
}

public static class DownstreamHealthChecks
{
    public static IHostApplicationBuilder AddDownstreamHealthChecks(this IHostApplicationBuilder builder, IEnumerable<string> services)
    {
        // A probe must answer fast: no retries, one short attempt (service discovery stays).
        // RemoveAllResilienceHandlers is marked experimental; it is the documented way to opt out.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(DownstreamHealthCheck.ClientName, c => c.Timeout = DownstreamHealthCheck.Timeout)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        var checks = builder.Services.AddHealthChecks();
        foreach (var service in services)
        {
            checks.AddTypeActivatedCheck<DownstreamHealthCheck>(service, HealthStatus.Unhealthy, ["ready"],
                DownstreamHealthCheck.Timeout, service);
        }
        return builder;
    }
}
