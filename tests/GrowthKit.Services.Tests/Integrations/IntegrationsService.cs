using System.Security.Cryptography;
using GrowthKit.Integrations;
using GrowthKit.Services.Tests.Infrastructure;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>
/// The integrations service as its Program.cs wires it (<see cref="IntegrationsHosting"/>), on a
/// database of its own, with short test schedules (imports polled often, webhook retries in
/// milliseconds) and private addresses allowed, so that a receiver on loopback can be reached.
/// </summary>
public sealed class IntegrationsService : ServiceFixture
{
    private static readonly Dictionary<string, string?> TestSchedules = new()
    {
        ["Imports:PollInterval"] = "00:00:00.200",
        ["Imports:RetryAfter"] = "00:00:00.500",
        ["Imports:RequestTimeout"] = "00:00:10",
        ["GrowthKit:AllowPrivateNetworks"] = "true",
        ["Webhooks:PollInterval"] = "00:00:00.100",
        ["Webhooks:Timeout"] = "00:00:02",
        ["Webhooks:RetrySchedule:0"] = "00:00:00.200",
        ["Webhooks:RetrySchedule:1"] = "00:00:00.300",
    };

    public IntegrationsService() : this(TestSchedules, TimeSpan.FromSeconds(60))
    {
    }

    private IntegrationsService(IReadOnlyDictionary<string, string?> settings, TimeSpan? clientTimeout)
        : base("integrations", b => b.AddIntegrationsService(), a => a.MapIntegrationsService())
    {
        ClientTimeout = clientTimeout;
        Settings["GrowthKit:DataProtectionKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        foreach (var (key, value) in settings) Settings[key] = value;
    }

    /// <summary>The service with <paramref name="settings"/> instead of the short test schedules (and clients with HttpClient's timeout).</summary>
    public static IntegrationsService With(IReadOnlyDictionary<string, string?> settings) => new(settings, null);
}
