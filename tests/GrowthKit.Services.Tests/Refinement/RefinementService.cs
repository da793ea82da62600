using GrowthKit.Refinement;
using GrowthKit.Services.Tests.Infrastructure;

namespace GrowthKit.Services.Tests.Refinement;

/// <summary>The refinement service as its Program.cs wires it (<see cref="RefinementHosting"/>), on a database of its own.</summary>
public sealed class RefinementService() : ServiceFixture("refinement", b => b.AddRefinementService(), a => a.MapRefinementService());
