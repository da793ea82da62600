using MassTransit;
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

        builder.Services.AddMassTransit(bus =>
        {
            // The prefix keeps each service's queues its own: two services consuming the same
            // message must not become competing consumers of one queue.
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, false));
            configure?.Invoke(bus);
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
                endpoint.UseMessageRetry(r => r.Intervals(100, 500, 2000, 5000, 10000)));
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(uri.Host, (ushort)uri.Port, "/", h =>
                {
                    var userInfo = uri.UserInfo.Split(':', 2);
                    h.Username(Uri.UnescapeDataString(userInfo[0]));
                    h.Password(userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "");
                    h.PublisherConfirmation = true;
                });
                rabbit.ConfigureEndpoints(context);
            });
        });

        // With the broker down StartAsync would return at once and Publish hang: fail start-up instead.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(20);
        });
        return builder;
    }
}
