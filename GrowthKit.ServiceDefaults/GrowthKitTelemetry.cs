using System.Diagnostics;

namespace Microsoft.Extensions.Hosting;

public static class GrowthKitTelemetry
{
    public const string SourceName = "GrowthKit";

    public static readonly ActivitySource Source = new(SourceName);
}
