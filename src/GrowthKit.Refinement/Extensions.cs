using GrowthKit.Refinement.Icps;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;

namespace GrowthKit.Refinement;

public static class Extensions
{
    public static IHostApplicationBuilder AddRefinementServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrowthKitApi();
        builder.AddTenantAuthentication();

        builder.AddGrowthKitMessaging("refinement", bus => bus.AddConsumer<IcpVersionPublishedConsumer>());
        builder.AddGrowthKitMarten("refinement", opts => opts.Schema.For<KnownIcp>());
        return builder;
    }
}
