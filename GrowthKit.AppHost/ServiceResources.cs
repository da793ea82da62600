namespace GrowthKit.AppHost;

public static class ServiceResources
{
    /// <summary>A GrowthKit service: its database and broker, waited for, and the token key.</summary>
    public static IResourceBuilder<ProjectResource> AddGrowthKitService<TProject>(
        this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<IResourceWithConnectionString> db,
        IResourceBuilder<IResourceWithConnectionString> messaging,
        IResourceBuilder<ParameterResource> internalTokenKey)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name)
            .WithHttpEndpoint(name: "http")
            .WithReference(db).WaitFor(db)
            .WithReference(messaging).WaitFor(messaging)
            .WithEnvironment("GrowthKit__InternalTokenKey", internalTokenKey)
            .WithHttpHealthCheck("/health");

    /// <summary>The gateway is the one public entry: a fixed port for ./run.sh, a free one in tests.</summary>
    public static IResourceBuilder<ProjectResource> WithGatewayEndpoint(
        this IResourceBuilder<ProjectResource> gateway, string? port) =>
        (int.TryParse(port, out var fixedPort)
            ? gateway.WithHttpEndpoint(port: fixedPort, name: "http")
            : gateway.WithHttpEndpoint(name: "http"))
        .WithExternalHttpEndpoints();
}
