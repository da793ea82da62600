using GrowthKit.Leads;
using GrowthKit.Services.Tests.Infrastructure;

namespace GrowthKit.Services.Tests.Leads;

/// <summary>The leads service as its Program.cs wires it (<see cref="LeadsHosting"/>: endpoints, Marten, the relay subscription, the bus), on a database of its own.</summary>
public sealed class LeadsService() : ServiceFixture("leads", b => b.AddLeadsService(), a => a.MapLeadsService());
