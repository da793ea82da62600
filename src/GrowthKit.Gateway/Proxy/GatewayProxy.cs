using GrowthKit.ServiceDefaults.Tenancy;

namespace GrowthKit.Gateway.Proxy;

public static class GatewayProxy
{
    public static IHostApplicationBuilder AddGatewayProxy(this IHostApplicationBuilder builder)
    {
        var privateKey = builder.Configuration[InternalToken.PrivateKeyConfigurationKey]
                         ?? throw new InvalidOperationException($"{InternalToken.PrivateKeyConfigurationKey} is not configured.");
        var signingKey = InternalToken.SigningKey(privateKey);
        builder.Services.AddSingleton(signingKey);
        builder.Services.AddSingleton(sp => new InternalTokenTransform(signingKey, sp.GetRequiredService<TimeProvider>()));

        builder.Services.AddReverseProxy()
            .LoadFromMemory(ProxyRoutes.Routes, ProxyRoutes.Clusters)
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms(context =>
            {
                context.RequestTransforms.Add(context.Services.GetRequiredService<InternalTokenTransform>());
                LeadReadFallback.AddTransforms(context);
            });
        return builder;
    }

    /// <summary>YARP's default pipeline with the lead reads' fallback in front of it.</summary>
    public static WebApplication MapGatewayProxy(this WebApplication app)
    {
        app.MapReverseProxy(pipeline => pipeline
            .UseLeadReadFallback()
            .UseSessionAffinity()
            .UseLoadBalancing()
            .UsePassiveHealthChecks());
        return app;
    }
}
