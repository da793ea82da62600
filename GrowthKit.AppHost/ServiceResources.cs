namespace GrowthKit.AppHost;

public static class ServiceResources
{
    /// <summary>
    /// A GrowthKit service: its own database login and the broker, waited for, and the gateway's public
    /// token key (only the gateway holds the private one).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddGrowthKitService<TProject>(
        this IDistributedApplicationBuilder builder, string name,
        DatabaseLogins logins,
        IResourceBuilder<IResourceWithConnectionString> messaging,
        IResourceBuilder<ParameterResource> internalTokenPublicKey)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name)
            .WithHttpEndpoint(name: "http")
            .WithDatabaseLogin(logins, name)
            .WithReference(messaging).WaitFor(messaging)
            .WithEnvironment("GrowthKit__InternalTokenPublicKey", internalTokenPublicKey)
            .WithHttpHealthCheck("/health");

    /// <summary>The gateway is the one public entry: a fixed port for ./run.sh, a free one in tests.</summary>
    public static IResourceBuilder<ProjectResource> WithGatewayEndpoint(
        this IResourceBuilder<ProjectResource> gateway, string? port) =>
        (int.TryParse(port, out var fixedPort)
            ? gateway.WithHttpEndpoint(port: fixedPort, name: "http")
            : gateway.WithHttpEndpoint(name: "http"))
        .WithExternalHttpEndpoints();
}
