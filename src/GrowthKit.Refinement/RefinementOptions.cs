namespace GrowthKit.Refinement;

public sealed class RefinementOptions
{
    public const string Section = "Refinement";

    /// <summary>How long the ICP service has to publish an accepted proposal before the accept answers 503.</summary>
    public TimeSpan AcceptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long auto mode waits after deals arrive for more before it looks at the evidence.</summary>
    public TimeSpan AutoDebounce { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a deal's unknown lead is looked for again (refinement hears of leads a message later).</summary>
    public TimeSpan UnknownLeadGrace { get; set; } = TimeSpan.FromSeconds(3);
}
