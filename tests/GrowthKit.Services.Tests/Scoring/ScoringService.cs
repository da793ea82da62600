using GrowthKit.Scoring;
using GrowthKit.Services.Tests.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>
/// The scoring service as its Program.cs wires it (<see cref="ScoringHosting"/>: its consumers, their
/// endpoint definitions, its Marten options, tables and re-scoring worker), on a database of its own,
/// with every start's bus watched by <see cref="Watch"/>.
/// </summary>
public sealed class ScoringService : ServiceFixture
{
    public ScoringService() : base("scoring", b => b.AddScoringService(), a => a.MapScoringService())
    {
        Started = services => services.GetRequiredService<IBus>().ConnectConsumeObserver(Watch);
    }

    public ConsumeWatch Watch { get; } = new();
}
