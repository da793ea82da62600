using GrowthKit.Contracts;
using GrowthKit.Scoring.Storage;
using MassTransit;

namespace GrowthKit.Scoring.WinProbability;

/// <summary>Keeps the latest win calibration of each ICP version refinement fitted; idempotent (the later fit wins).</summary>
public sealed class WinCalibrationFittedConsumer(ScoringDatabase database) : IConsumer<WinCalibrationFitted>
{
    public async Task Consume(ConsumeContext<WinCalibrationFitted> context)
    {
        await using var connection = await database.OpenAsync(context.CancellationToken);
        await WinCalibrations.StoreAsync(connection, context.Message, context.CancellationToken);
    }
}
