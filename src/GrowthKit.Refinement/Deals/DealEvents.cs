namespace GrowthKit.Refinement.Deals;

public static class Outcomes
{
    public const string Won = "won";
    public const string Lost = "lost";
}

/// <summary>
/// A deal closed, won or lost: the first and only event of the deal's stream (a repeated deal id
/// changes nothing). <paramref name="Id"/> is the stream id, derived from the tenant and
/// <paramref name="DealId"/>, the consumer's own id.
/// </summary>
public sealed record DealClosed(
    Guid Id, string DealId, Guid LeadId, string ExternalId, string Outcome, decimal? Amount,
    DateTimeOffset ClosedAt, string? Reason, string By, DateTimeOffset RecordedAt);

/// <summary>A closed deal as its stream tells it (an inline snapshot: deals are read all at once for reports).</summary>
public sealed record Deal(
    Guid Id, string DealId, Guid LeadId, string ExternalId, string Outcome, decimal? Amount,
    DateTimeOffset ClosedAt, string? Reason, DateTimeOffset RecordedAt)
{
    public static Deal Create(DealClosed e) =>
        new(e.Id, e.DealId, e.LeadId, e.ExternalId, e.Outcome, e.Amount, e.ClosedAt, e.Reason, e.RecordedAt);

    public bool Won => Outcome == Outcomes.Won;
}
