using GrowthKit.ServiceDefaults.Resilience;
using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrowthKit.ServiceDefaults;

public static class Messaging
{
    public const string ConnectionName = "messaging";

    /// <summary>
    /// MassTransit over RabbitMQ with durable queues and publisher confirms. Call before
    /// <see cref="EventStore.AddGrowthKitMarten"/> so the bus outlives the relay at shutdown.
    /// </summary>
    public static IHostApplicationBuilder AddGrowthKitMessaging(this IHostApplicationBuilder builder,
        string serviceName, Action<IBusRegistrationConfigurator>? configure = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
                               ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not configured.");
        var uri = new Uri(connectionString);
        // amqp://user:password@host:port/vhost — the platform's application user lives on its own vhost.
        var virtualHost = uri.AbsolutePath.Trim('/') is { Length: > 0 } path ? Uri.UnescapeDataString(path) : "/";

        builder.Services.AddMassTransit(bus =>
        {
            // The prefix keeps each service's queues its own: two services consuming the same
            // message must not become competing consumers of one queue.
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, false));
            configure?.Invoke(bus);
            bus.AddConfigureEndpointsCallback((context, _, endpoint) => UseRetryPolicy(endpoint, context.GetRequiredService<OutageGate>()));
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(uri.Host, (ushort)uri.Port, virtualHost, h =>
                {
                    var userInfo = uri.UserInfo.Split(':', 2);
                    h.Username(Uri.UnescapeDataString(userInfo[0]));
                    h.Password(userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "");
                    h.PublisherConfirmation = true;
                });
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddSingleton<OutageGate>();
        builder.Services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<OutageGate>());
        builder.Services.AddSingleton<DeadLetters>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeadLetters>());
        builder.Services.AddHealthChecks()
            .AddCheck<OutageGate>("consuming")
            .AddCheck<DeadLetters>("dead-letters");

        // With the broker down StartAsync would return at once and Publish hang: fail start-up instead.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(20);
        });
        return builder;
    }

    /// <summary>
    /// The one retry policy of every consumer. A failure that may pass (a lost race, a bug in a
    /// dependency's answer) is retried in memory with exponential backoff, about 20 s in all; an
    /// outage is not retried here — its message goes back to the queue and the <see cref="OutageGate"/>
    /// pauses the endpoints until PostgreSQL answers. What still fails is published as a fault and
    /// moved to <c>_error</c>, where <see cref="DeadLetters"/> counts it and can re-drive it.
    /// </summary>
    public static void UseRetryPolicy(IReceiveEndpointConfigurator endpoint, OutageGate gate)
    {
        endpoint.UseMessageRetry(r =>
        {
            r.Ignore<Exception>(Failures.IsOutage);
            r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(600));
        });
        endpoint.ConfigureError(error =>
        {
            error.UseFilter(new HoldDuringOutageFilter(gate));
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
        });
    }
}
