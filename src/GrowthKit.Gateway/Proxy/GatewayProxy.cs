using GrowthKit.ServiceDefaults.Tenancy;

namespace GrowthKit.Gateway.Proxy;

public static class GatewayProxy
{
    public static IHostApplicationBuilder AddGatewayProxy(this IHostApplicationBuilder builder)
    {
        var secret = builder.Configuration[InternalToken.ConfigurationKey]
                     ?? throw new InvalidOperationException($"{InternalToken.ConfigurationKey} is not configured.");
        var signingKey = InternalToken.SigningKey(secret);
        builder.Services.AddSingleton(signingKey);
        builder.Services.AddSingleton(sp => new InternalTokenTransform(signingKey, sp.GetRequiredService<TimeProvider>()));

        builder.Services.AddReverseProxy()
            .LoadFromMemory(ProxyRoutes.Routes, ProxyRoutes.Clusters)
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms(context =>
                context.RequestTransforms.Add(context.Services.GetRequiredService<InternalTokenTransform>()));
        return builder;
    }
}
