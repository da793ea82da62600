using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using FluentValidation;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence;
using GrowthKit.Platform.Persistence.Metering;
using GrowthKit.Platform.Persistence.Resilience;
using GrowthKit.Refinement.Leads;
using GrowthKit.Refinement.Proposals;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using JasperFx;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowthKit.Refinement.Deals;

/// <summary>A deal as sent, read and checked: what to record, or each offending field with its status (400 or 422).</summary>
public sealed record DealRead(int Index, string? DealId, Guid? LeadId, string? ExternalId, string? Outcome, decimal? Amount,
    DateTimeOffset? ClosedAt, string? Reason, Dictionary<string, (int Status, string Message)> Errors)
{
    public bool IsValid => Errors.Count == 0;

    public IReadOnlyDictionary<string, string[]> ErrorMap => Errors.ToDictionary(e => e.Key, e => new[] { e.Value.Message });

    public int Status => Errors.Values.Any(e => e.Status == StatusCodes.Status400BadRequest)
        ? StatusCodes.Status400BadRequest
        : Errors.Values.Max(e => e.Status);
}

/// <summary>What happened to one deal of a request.</summary>
public sealed record DealOutcome(int Index, string? DealId, DealRead Read);

/// <summary>
/// The one path every deal takes, alone or in a batch: read and check each deal, find every lead
/// named in one query, and start one stream per new deal in one transaction. A deal whose stream
/// exists (the same deal id sent before) records nothing. A concurrent request starting the same
/// stream makes the batch start over, and then find it.
/// </summary>
public sealed class DealIntake(IDocumentStore store, KnownLeads leads, RefinementSignal signal, TimeProvider clock,
    IOptions<RefinementOptions> options)
{
    public const int MaxDeals = Limits.DealsPerBatch;
    private readonly DealRules rules = new(clock);

    /// <summary>Reads one deal; property names in any case, as everywhere in the API.</summary>
    public DealRead Read(int index, JsonElement deal)
    {
        var errors = new Dictionary<string, (int, string)>();
        if (deal.ValueKind != JsonValueKind.Object)
        {
            errors["deal"] = (StatusCodes.Status400BadRequest, "A deal is a JSON object.");
            return new DealRead(index, null, null, null, null, null, null, null, errors);
        }
        var properties = deal.EnumerateObject()
            .GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.OrdinalIgnoreCase);
        JsonElement? Get(string name) =>
            properties.TryGetValue(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
        void Bad(string field, string message) => errors[field] = (StatusCodes.Status400BadRequest, message);
        void Broken(string field, string message) => errors[field] = (StatusCodes.Status422UnprocessableEntity, message);

        // Types and presence here (400); bounds and rules in DealRules (422), like every other request.
        string? Text(string field)
        {
            if (Get(field) is not { } v) return null;
            if (v.ValueKind != JsonValueKind.String) { Bad(field, $"'{field}' must be text."); return null; }
            string text;
            try { text = v.GetString()!.Trim(); }
            catch (InvalidOperationException) { Bad(field, $"'{field}' {StorableText.Message}."); return null; }
            return text.Length == 0 ? null : text;
        }

        var dealId = Text("dealId");
        var externalId = Text("externalId");
        Guid? leadId = null;
        if (Text("leadId") is { } rawLeadId)
        {
            if (Guid.TryParse(rawLeadId, out var parsed)) leadId = parsed;
            else Bad("leadId", "'leadId' must be a GUID.");
        }
        if (leadId is null && externalId is null && !errors.ContainsKey("leadId") && !errors.ContainsKey("externalId"))
            Bad("leadId", "Name the deal's lead by 'leadId' or 'externalId'.");

        var outcome = Text("outcome");
        if (outcome is null && !errors.ContainsKey("outcome")) Bad("outcome", "'outcome' is required: \"won\" or \"lost\".");

        decimal? amount = null;
        if (Get("amount") is { } rawAmount)
        {
            if (rawAmount.ValueKind != JsonValueKind.Number || !rawAmount.TryGetDecimal(out var a)) Bad("amount", "'amount' must be a number.");
            else amount = a;
        }

        DateTimeOffset? closedAt = null;
        if (Text("closedAt") is { } rawClosedAt)
        {
            if (!DateTimeOffset.TryParse(rawClosedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                Bad("closedAt", "'closedAt' must be an ISO 8601 timestamp, such as 2025-06-30T12:00:00Z.");
            else closedAt = at.ToUniversalTime();
        }

        var reason = Text("reason");
        var read = new DealRead(index, dealId, leadId, externalId, outcome, amount, closedAt, reason, errors);
        foreach (var failure in rules.Validate(read).Errors)
        {
            if (!errors.ContainsKey(failure.PropertyName)) Broken(failure.PropertyName, failure.ErrorMessage);
        }
        return read;
    }

    /// <summary>
    /// Records the valid deals whose leads the tenant sent; the others come back with their errors
    /// (an unknown lead as a 404 error on <c>leadId</c> or <c>externalId</c>).
    /// </summary>
    public Task<IReadOnlyList<DealOutcome>> RecordAsync(ClaimsPrincipal user, IReadOnlyList<DealRead> deals, CancellationToken ct) =>
        RecordAsync(user.TenantId(), user.Actor(), deals, ct);

    /// <param name="by">Who recorded the deals, as history shows it: the API key's name, or the source of a sync or import.</param>
    public async Task<IReadOnlyList<DealOutcome>> RecordAsync(Guid tenant, string by, IReadOnlyList<DealRead> deals, CancellationToken ct)
    {
        var valid = deals.Where(d => d.IsValid).ToList();
        var found = await FindLeadsAsync(tenant, valid, ct);
        foreach (var deal in valid.Where(d => Lead(found, d) is null))
        {
            var field = deal.LeadId is not null ? "leadId" : "externalId";
            deal.Errors[field] = (StatusCodes.Status404NotFound, deal.LeadId is not null
                ? $"The tenant never sent a lead with leadId {deal.LeadId}."
                : $"The tenant never sent a lead with externalId '{deal.ExternalId}'.");
        }

        var now = clock.GetUtcNow();
        var outcomes = deals.Select(d => new DealOutcome(d.Index, d.IsValid ? d.DealId ?? Guid.CreateVersion7(now).ToString() : null, d)).ToList();
        var toRecord = outcomes.Where(o => o.Read.IsValid).ToList();
        if (toRecord.Count == 0) return outcomes;

        // A concurrent request recording the same deal id wins; starting over finds its stream and skips it.
        return await ConflictRetry.ExecuteAsync(async token =>
        {
            await using var session = store.LightweightSession(tenant.ToString());
            session.StampTraceContext();
            var streams = toRecord.Select(o => (Outcome: o, StreamId: StreamId(tenant, o.DealId!))).ToList();
            var existing = (await session.LoadManyAsync<Deal>(token, streams.Select(s => s.StreamId).Distinct()))
                .Select(d => d.Id).ToHashSet();
            var started = new HashSet<Guid>();
            foreach (var (outcome, streamId) in streams)
            {
                if (existing.Contains(streamId) || !started.Add(streamId)) continue; // a repeated deal id changes nothing
                var (leadId, externalId) = Lead(found, outcome.Read)!.Value;
                var read = outcome.Read;
                session.Events.StartStream<Deal>(streamId, new DealClosed(streamId, outcome.DealId!, leadId, externalId,
                    read.Outcome!, read.Amount, read.ClosedAt ?? now, read.Reason, by, now));
            }
            if (started.Count == 0) return outcomes;
            // Deals accepted: new deal ids only, counted in this transaction.
            UsageMeter.Queue(session, Storage.RefinementDatabase.Schema, tenant, now, UsageMeter.DealsAccepted, started.Count);
            await session.SaveChangesAsync(token);
            signal.DealsArrived(tenant);
            return outcomes;
        }, ct);
    }

    public static Guid StreamId(Guid tenant, string dealId) => DeterministicId.For(tenant.ToString(), "deal", dealId);

    private static (Guid LeadId, string ExternalId)? Lead(
        (Dictionary<Guid, string> ById, Dictionary<string, Guid> ByExternalId) found, DealRead deal) =>
        deal.LeadId is { } id
            ? found.ById.TryGetValue(id, out var externalId) ? (id, externalId) : null
            : found.ByExternalId.TryGetValue(deal.ExternalId!, out var leadId) ? (leadId, deal.ExternalId!) : null;

    /// <summary>
    /// The leads of these deals. Refinement learns of leads a message after they were accepted, so a
    /// deal sent right after its lead may find it missing: unknown leads are looked for again for a
    /// moment (<see cref="RefinementOptions.UnknownLeadGrace"/>) before the deal is refused.
    /// </summary>
    private async Task<(Dictionary<Guid, string> ById, Dictionary<string, Guid> ByExternalId)> FindLeadsAsync(
        Guid tenant, IReadOnlyList<DealRead> deals, CancellationToken ct)
    {
        var ids = deals.Select(d => d.LeadId).OfType<Guid>().Distinct().ToList();
        var externalIds = deals.Where(d => d.LeadId is null).Select(d => d.ExternalId!).Distinct().ToList();
        var deadline = clock.GetUtcNow() + options.Value.UnknownLeadGrace;
        while (true)
        {
            var found = await leads.FindAsync(tenant, ids, externalIds, ct);
            var missing = deals.Any(d => Lead(found, d) is null);
            if (!missing || clock.GetUtcNow() >= deadline) return found;
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }
}

/// <summary>The rules a deal read from JSON must keep (422 when broken): the same idiom and bounds as every request.</summary>
public sealed class DealRules : AbstractValidator<DealRead>
{
    public DealRules(TimeProvider clock)
    {
        RuleFor(d => d.DealId).BoundedText(Limits.ReasonLength).OverridePropertyName("dealId").WithName("dealId");
        RuleFor(d => d.ExternalId).BoundedText(Limits.ReasonLength).OverridePropertyName("externalId").WithName("externalId");
        RuleFor(d => d.Reason).BoundedText(Limits.ReasonLength).OverridePropertyName("reason").WithName("reason");
        RuleFor(d => d.Outcome).Must(o => o is null or Outcomes.Won or Outcomes.Lost)
            .WithMessage(d => $"'outcome' is \"won\" or \"lost\", not \"{d.Outcome}\".").OverridePropertyName("outcome");
        RuleFor(d => d.Amount).GreaterThanOrEqualTo(0m).WithMessage("'amount' must not be negative.")
            .WithinMagnitude(Limits.MaxNumber).OverridePropertyName("amount").WithName("amount");
        RuleFor(d => d.ClosedAt).Must(at => at is null || at <= clock.GetUtcNow().AddDays(1))
            .WithMessage("'closedAt' must not lie in the future.").OverridePropertyName("closedAt");
    }
}
