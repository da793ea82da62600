namespace GrowthKit.Contracts;

/// <summary>
/// Scores <paramref name="From"/>–<paramref name="To"/> (inclusive) win with <paramref name="Probability"/>,
/// the win rate of the <paramref name="Deals"/> deals the step pools. Between two steps the probability
/// runs linearly from one step's edge to the next; beyond either end it is the end step's.
/// </summary>
public sealed record WinCalibrationStep(decimal From, decimal To, int Deals, int Won, double Probability);
