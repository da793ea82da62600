using GrowthKit.Icp;
using GrowthKit.Services.Tests.Infrastructure;

namespace GrowthKit.Services.Tests.Icps;

/// <summary>The ICP service as its Program.cs wires it (<see cref="IcpHosting"/>), on a database of its own.</summary>
public sealed class IcpService() : ServiceFixture("icp", b => b.AddIcpService(), a => a.MapIcpService());
