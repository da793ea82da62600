namespace GrowthKit.AppHost;

public static class ServiceResources
{
    /// <summary>
    /// A GrowthKit service: its own database login and the broker, waited for, and the gateway's public
    /// token key (only the gateway holds the private one). The service listens on its endpoint's port
    /// itself: the gateway reaches it without a proxy of DCP's between them.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddGrowthKitService<TProject>(
        this IDistributedApplicationBuilder builder, string name,
        DatabaseLogins logins,
        IResourceBuilder<IResourceWithConnectionString> messaging,
        IResourceBuilder<ParameterResource> internalTokenPublicKey)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name)
            .WithHttpEndpoint(name: "http", isProxied: false)
            .WithDatabaseLogin(logins, name)
            .WithReference(messaging).WaitFor(messaging)
            .WithEnvironment("GrowthKit__InternalTokenPublicKey", internalTokenPublicKey)
            .WithHttpHealthCheck("/health");

    /// <summary>
    /// The gateway is the one public entry: a fixed port for ./run.sh, a free one in tests. It listens on
    /// that port itself — no proxy of DCP's in front of it, one hop less for every request.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGatewayEndpoint(
        this IResourceBuilder<ProjectResource> gateway, string? port) =>
        (int.TryParse(port, out var fixedPort)
            ? gateway.WithHttpEndpoint(port: fixedPort, name: "http", isProxied: false)
            : gateway.WithHttpEndpoint(name: "http", isProxied: false))
        .WithExternalHttpEndpoints();
}
