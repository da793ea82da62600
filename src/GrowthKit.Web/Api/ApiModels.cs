using System.Text.Json;
using System.Text.Json.Serialization;

namespace GrowthKit.Web.Api;

// The shapes of ../shared/API.md as this app reads them. Only what the pages use is typed;
// the rest (a lead's free-form attributes, a proposal's changes) stays JSON.

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

public sealed class IcpDefinition
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public List<Criterion>? Criteria { get; set; }
    public List<Disqualifier>? Disqualifiers { get; set; }
    public List<Persona>? Personas { get; set; }
    public Tiers? Tiers { get; set; }
}

/// <summary>A condition on one lead field: a weighted criterion or a disqualifier.</summary>
public interface ICondition
{
    string? Key { get; }
    string? Field { get; }
    string? Operator { get; }
    List<JsonElement>? Values { get; }
    decimal? Min { get; }
    decimal? Max { get; }
    JsonElement? Value { get; }
}

public sealed class Criterion : ICondition
{
    public string? Key { get; set; }
    public string? Field { get; set; }
    public string? Operator { get; set; }
    public List<JsonElement>? Values { get; set; }
    public decimal? Min { get; set; }
    public decimal? Max { get; set; }
    public JsonElement? Value { get; set; }
    public decimal? Weight { get; set; }
}

public sealed class Disqualifier : ICondition
{
    public string? Key { get; set; }
    public string? Field { get; set; }
    public string? Operator { get; set; }
    public List<JsonElement>? Values { get; set; }
    public decimal? Min { get; set; }
    public decimal? Max { get; set; }
    public JsonElement? Value { get; set; }
    public string? Reason { get; set; }
}

public sealed class Persona
{
    public string? Role { get; set; }
    public List<string>? Seniority { get; set; }
    public List<string>? Department { get; set; }
}

public sealed class Tiers
{
    [JsonPropertyName("A")] public decimal? A { get; set; }
    [JsonPropertyName("B")] public decimal? B { get; set; }
    [JsonPropertyName("C")] public decimal? C { get; set; }
}

public sealed record PublishedView(int Version, IcpDefinition Definition, DateTimeOffset? PublishedAt);

public sealed record IcpView(Guid IcpId, long Revision, IcpDefinition Draft, PublishedView? Published);

public sealed record IcpCreated(Guid IcpId, long Revision);

public sealed record IcpEdited(long Revision);

public sealed record IcpPublished(int Version, long Revision);

public sealed record VersionSummary(int Version, DateTimeOffset PublishedAt, string PublishedBy, string Reason);

public sealed record VersionDetail(Guid IcpId, int Version, DateTimeOffset PublishedAt, string PublishedBy, string Reason,
    IcpDefinition Definition);

public sealed record HistoryEntry(long Revision, string Type, DateTimeOffset At, string By, string? Reason, JsonElement Data);

public sealed record ValueChange<T>(T From, T To);

public sealed record KeyedChange<T>(string Key, T From, T To);

public sealed record ListDiff<T>(List<T>? Added, List<T>? Removed, List<KeyedChange<T>>? Changed);

public sealed record DefinitionDiff(
    ValueChange<string?>? Name,
    ValueChange<string?>? Description,
    ListDiff<Criterion>? Criteria,
    ListDiff<Disqualifier>? Disqualifiers,
    ListDiff<Persona>? Personas,
    ValueChange<Tiers?>? Tiers);

public sealed record VersionDiff(Guid IcpId, int From, int To, DefinitionDiff Changes);

public sealed record RescoringProgress(int Total, int Scored, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

// Workshops
public sealed record QuestionOption(string Value, string Label);

public sealed record WorkshopQuestion(
    string Id, string Text, string Kind, string? Help, bool Optional, int Step, int Of,
    List<QuestionOption>? Options, Dictionary<string, decimal>? Defaults);

public sealed record WorkshopOpened(Guid WorkshopId, WorkshopQuestion Question);

public sealed record WorkshopPreview(IcpDefinition Definition, string Summary);

public sealed record AnswerResponse(WorkshopQuestion? Question, bool Done, WorkshopPreview? Preview);

public sealed record WorkshopView(
    Guid WorkshopId, Dictionary<string, JsonElement?> Answers, WorkshopQuestion? Question, bool Done,
    WorkshopPreview? Preview, DateTimeOffset StartedAt, Guid? IcpId, DateTimeOffset? CompletedAt);

// Leads and scores
public sealed record LeadAccepted(Guid LeadId, string ExternalId);

public sealed record CriterionResult(string Key, bool Matched, decimal Weight, decimal Contribution, JsonElement? Actual);

public sealed record DisqualifiedBy(string Key, string? Reason);

public sealed class Score
{
    public Guid IcpId { get; init; }
    public int IcpVersion { get; init; }
    public int Snapshot { get; init; }
    // "score" names both the object in the contract and its number; the number is Value here.
    [JsonPropertyName("score")] public decimal Value { get; init; }
    public string Tier { get; init; } = "";
    public List<CriterionResult>? Breakdown { get; init; }
    public DisqualifiedBy? DisqualifiedBy { get; init; }
    public string? ModelVersion { get; init; }
    public string? InputHash { get; init; }
    public DateTimeOffset ScoredAt { get; init; }
    /// <summary>The chance of winning refinement's calibration gives this score; null until there are enough closed deals.</summary>
    public decimal? WinProbability { get; init; }
}

public sealed record LeadView(Guid LeadId, string ExternalId, int Snapshot, JsonElement Lead, JsonElement? Raw, List<Score> Scores);

public sealed record QuarantinedLead(Guid LeadId, int Snapshot, Guid? IcpId, int? IcpVersion, string Reason, DateTimeOffset QuarantinedAt);

public sealed record ListedLead(Guid LeadId, string ExternalId, JsonElement? Company, Score Score);

// Refinement
public sealed record GapValue(string Field, JsonElement Value, int Deals, int Won, decimal? WinRate, decimal? WinRateWithout,
    decimal? Lift, string? Evidence);

public sealed record GapCriterion(string Key, string Field, decimal Weight, int Deals, int Won, decimal? WinRate,
    decimal? WinRateWithout, decimal? Lift, string? Evidence);

/// <summary><c>winsRankedAB</c> and <c>lossesRankedAB</c> are shares of the wins and losses the score put in A or B.</summary>
public sealed record GapReport(
    Guid IcpId, int IcpVersion, int ClosedDeals, int Won, int Lost, decimal? WinRate, decimal? Auc,
    decimal? WinsRankedAB, decimal? LossesRankedAB, List<GapValue>? Values, List<GapCriterion>? Criteria,
    WinProbabilityReport? WinProbability = null);

/// <summary>A tier's deals and wins, its calibrated chance of winning and the 95 % interval of its win rate.</summary>
public sealed record TierProbability(string Tier, int Deals, int Won, decimal? Probability, decimal Low, decimal High);

/// <summary>Null in the gap report until there are enough won and lost deals to calibrate.</summary>
public sealed record WinProbabilityReport(List<TierProbability> Tiers);

public sealed record ValueRange(decimal? Min, decimal? Max);

public sealed record DefinitionChange(
    string Kind, string Key, string? Field, List<JsonElement>? Values, decimal? WeightFrom, decimal? WeightTo,
    ValueRange? RangeFrom, ValueRange? RangeTo, Criterion? Criterion, Disqualifier? Disqualifier = null,
    Tiers? TiersFrom = null, Tiers? TiersTo = null);

/// <summary>What one change rests on, with <see cref="Text"/>: the same in a sentence a sales lead reads.</summary>
public sealed record ChangeEvidence(string Kind, string Key, int Deals, int Won, decimal? WinRate, decimal Low, decimal High,
    int DealsWithout, int WonWithout, decimal? WinRateWithout, decimal? Lift, string Text);

public sealed record ProposalEvidence(int Won, int Lost, int TrainingDeals, int HoldoutDeals, DateTimeOffset? HoldoutFrom,
    List<GapValue>? Values, List<GapCriterion>? Criteria, List<ChangeEvidence>? Changes = null,
    decimal? GainLow = null, decimal? GainHigh = null, decimal? ShareNotBetter = null);

public sealed record Proposal(
    Guid ProposalId, string Status, int? BaseVersion, List<DefinitionChange>? Changes, ProposalEvidence? Evidence,
    decimal? CurrentAuc, decimal? ExpectedAuc, string? Reason, DateTimeOffset? ProposedAt, int? Version,
    string? DecidedBy, string? DecisionReason, DateTimeOffset? DecidedAt);

public sealed record ProposalList(List<Proposal> Items, string? Note, int? ReviewedVersion = null, int? ReviewedDeals = null,
    DateTimeOffset? ReviewedAt = null);

public sealed record ProposalAccepted(int Version);

/// <summary>POST /admin/tenants: the tenant and its first API key (shown only in this answer).</summary>
public sealed record TenantCreated(Guid TenantId, string Name, string ApiKey);

/// <summary>GET /api/audit/verify: the tenant's hash chains walked; the first broken link, if any.</summary>
// Usage: this calendar month (UTC), and the monthly lead quota if the platform set one.
public sealed record Usage(string Period, long LeadsAccepted, long LeadsScored, long DealsAccepted, UsageQuota? Quota);

public sealed record UsageQuota(int LeadsPerMonth);

public sealed record AuditVerification(bool Ok, long Events, BrokenLink? FirstBroken);

public sealed record BrokenLink(Guid? Stream, long? Sequence, string Reason, string? Service, long? Position);
