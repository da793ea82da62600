using Microsoft.Extensions.Configuration;

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

    public const string ReplicasKey = "GrowthKit:Replicas";
    public const int MaxReplicas = 8;

    /// <summary>
    /// How many instances of each scaled service run (<c>GrowthKit:Replicas</c>, from GROWTHKIT_REPLICAS in
    /// ./run.sh): 1 unless set; a value that is not a whole number from 1 to <see cref="MaxReplicas"/> stops
    /// the start with a message rather than running a topology nobody asked for.
    /// </summary>
    public static int Replicas(IConfiguration configuration)
    {
        var value = configuration[ReplicasKey];
        if (string.IsNullOrWhiteSpace(value)) return 1;
        return int.TryParse(value, out var replicas) && replicas is >= 1 and <= MaxReplicas
            ? replicas
            : throw new InvalidOperationException(
                $"{ReplicasKey} (GROWTHKIT_REPLICAS) is '{value}'; it must be a whole number from 1 to {MaxReplicas}.");
    }

    /// <summary>
    /// N instances behind one address: each replica gets its own port and DCP's proxy on the resource's
    /// endpoint spreads connections over them, so service discovery (and the gateway's YARP routes, which
    /// resolve through it) reach every replica. One replica keeps the plain resource, listening on its
    /// endpoint's port itself (no proxy, no extra hop).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGrowthKitReplicas(
        this IResourceBuilder<ProjectResource> service, int replicas) =>
        replicas > 1 ? service.WithEndpoint("http", e => e.IsProxied = true).WithReplicas(replicas) : service;

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
