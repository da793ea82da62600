using System.Security.Claims;
using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence;
using GrowthKit.Platform.Persistence.Metering;
using GrowthKit.Platform.Persistence.Resilience;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GrowthKit.Leads.Receiving;

/// <summary>One lead of a request as read: what to record, or why it is rejected (field → messages).</summary>
public sealed record IntakeLead(int Index, ReceiveLead? Command, IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>The leads of a request, or the problem that refuses the request as a whole.</summary>
public sealed record LeadsRead(IReadOnlyList<IntakeLead>? Leads, ProblemHttpResult? Problem)
{
    public static LeadsRead Invalid(string field, string message) => new(null, ApiDefaults.FieldProblem(field, message));
}

/// <summary>
/// The one path every pushed lead takes, alone or in a batch: read and validate each lead, load the
/// current state of all of them in one query, decide, and append every new snapshot — with the
/// request's idempotent answer — in one transaction. A concurrent write to the same leads makes the
/// whole batch start over (bounded), so nothing is half-written.
/// </summary>
internal static class LeadIntake
{
    public const int MaxBodyBytes = 512 * 1024;
    public const string LeadsSchema = "leads";
    private static readonly LeadValidator Validator = new();

    /// <summary>The problems both intake routes answer (the document lists them for each).</summary>
    public static RouteHandlerBuilder ProducesIntakeProblems(this RouteHandlerBuilder route) => route
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    public static async Task<Results<StoredAnswer, ProblemHttpResult>> HandleAsync(HttpRequest request, ClaimsPrincipal user,
        IDocumentStore store, SnapshotAppender appender, TimeProvider clock, Func<JsonElement, Guid, LeadsRead> read,
        Func<IReadOnlyList<IntakeLead>, Results<StoredAnswer, ProblemHttpResult>> answer, CancellationToken ct)
    {
        if (Idempotency.TryReadKey(request, out var key) is { } keyProblem) return keyProblem;
        var (body, bodyProblem) = await ReadBodyAsync(request, ct);
        if (bodyProblem is not null) return bodyProblem;

        var tenant = user.TenantId();
        var fingerprint = key is null ? null : Idempotency.Fingerprint(request, body);
        IReadOnlyList<IntakeLead>? leads = null;
        StoredAnswer? outcome = null;

        try
        {
            return await ConflictRetry.ExecuteAsync(async Task<Results<StoredAnswer, ProblemHttpResult>> (token) =>
            {
                await using var session = store.LightweightSession(tenant.ToString());
                session.StampTraceContext();
                var now = clock.GetUtcNow();

                // Checked again on every attempt: a concurrent request with the same key may just have won.
                var stored = key is null ? null : await session.LoadAsync<IdempotentAnswer>(Idempotency.DocumentId(tenant, key), token);
                if (stored is not null && Idempotency.IsLive(stored, now)) return Idempotency.Replay(stored, fingerprint!);

                if (leads is null)
                {
                    var parsed = Parse(body, tenant, read);
                    if (parsed.Problem is { } problem) return problem;
                    leads = parsed.Leads!;
                    switch (answer(leads).Result)
                    {
                        case ProblemHttpResult refused: return refused;
                        case StoredAnswer accepted: outcome = accepted; break;
                    }
                }

                var recorded = await RecordAsync(session, appender, [.. leads.Select(l => l.Command).OfType<ReceiveLead>()], now, token);
                // Leads accepted: new leads and new snapshots only, counted in this transaction.
                UsageMeter.Queue(session, LeadsSchema, tenant, now, UsageMeter.LeadsAccepted, recorded, user.LeadsPerMonth());
                if (key is not null)
                {
                    var document = new IdempotentAnswer(Idempotency.DocumentId(tenant, key), key, fingerprint!,
                        outcome!.StatusCode, outcome.Body, outcome.Location, now);
                    // An expired answer is replaced; otherwise a concurrent first use of the key conflicts here.
                    if (stored is null) session.Insert(document);
                    else session.Store(document);
                    // Expired answers are removed lazily, by the tenant's next keyed request.
                    var expired = now - Idempotency.Lifetime;
                    session.DeleteWhere<IdempotentAnswer>(a => a.CreatedAt <= expired);
                }
                await session.SaveChangesAsync(token);
                return outcome!;
            }, ct);
        }
        catch (Exception e) when (UsageMeter.IsQuotaExceeded(e))
        {
            return UsageMeter.QuotaExceeded(request.HttpContext, clock.GetUtcNow(), user.LeadsPerMonth() ?? 0);
        }
        catch (Exception e) when (Failures.IsConflict(e))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "The leads are being changed by other requests.",
                detail: $"The batch met a concurrent change {ConflictRetry.MaxRetries + 1} times; retry it (with the same {Idempotency.HeaderName}).");
        }
    }

    /// <summary>
    /// Leads that came over the broker (<see cref="Contracts.ReceiveLeads"/>): read, decided and recorded
    /// as a batch request would, in one transaction, counted against the quota the tenant's last request
    /// set. Returns each item as read; nothing is recorded when the quota would be passed.
    /// </summary>
    public static async Task<(IReadOnlyList<IntakeLead> Leads, bool QuotaExceeded)> TakeAsync(IDocumentStore store,
        SnapshotAppender appender, TimeProvider clock, Guid tenant, IReadOnlyList<JsonElement> items, CancellationToken ct)
    {
        var leads = items.Select((lead, index) => Read(index, lead, tenant, "lead")).ToList();
        try
        {
            await ConflictRetry.ExecuteAsync(async token =>
            {
                await using var session = store.LightweightSession(tenant.ToString());
                session.StampTraceContext();
                var now = clock.GetUtcNow();
                var recorded = await RecordAsync(session, appender, [.. leads.Select(l => l.Command).OfType<ReceiveLead>()], now, token);
                UsageMeter.QueueKeepingQuota(session, LeadsSchema, tenant, now, UsageMeter.LeadsAccepted, recorded);
                await session.SaveChangesAsync(token);
                return recorded;
            }, ct);
            return (leads, false);
        }
        catch (Exception e) when (UsageMeter.IsQuotaExceeded(e))
        {
            return (leads, true);
        }
    }

    /// <summary>
    /// Queues what <see cref="ReceiveLeadBatchFeature.Decide"/> records, each stream continuing from the
    /// version it had when read, so a concurrent writer makes <c>SaveChanges</c> fail.
    /// </summary>
    private static async Task<int> RecordAsync(IDocumentSession session, SnapshotAppender appender,
        IReadOnlyList<ReceiveLead> commands, DateTimeOffset now, CancellationToken ct)
    {
        if (commands.Count == 0) return 0;
        var ids = commands.Select(c => c.LeadId).Distinct().ToArray();
        // Every snapshot of these leads, in one query: a lead's stream is short, and this reads the
        // event store itself rather than a projection that could lag or be missing.
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId.IsOneOf(ids))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        var states = new Dictionary<Guid, LeadState>();
        var versions = new Dictionary<Guid, long>();
        foreach (var e in events)
        {
            if (e.Data is not LeadSnapshotRecorded snapshot) continue;
            states[e.StreamId] = states.TryGetValue(e.StreamId, out var state) ? state.Apply(snapshot) : LeadState.Create(snapshot);
            versions[e.StreamId] = e.Version;
        }

        var recorded = ReceiveLeadBatchFeature.Decide(commands, states, now);
        appender.Queue(session, recorded, versions, now);
        return recorded.Count;
    }

    private static LeadsRead Parse(byte[] body, Guid tenant, Func<JsonElement, Guid, LeadsRead> read)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return LeadsRead.Invalid("body", $"The body is not JSON: {e.Message}");
        }
        using (document)
        {
            return read(document.RootElement, tenant);
        }
    }

    /// <summary>A lead as sent: type errors and broken rules name the field; a valid lead is normalised.</summary>
    /// <param name="root">What to call the lead itself in an error: <c>body</c> alone, <c>lead</c> in a batch.</param>
    public static IntakeLead Read(int index, JsonElement element, Guid tenant, string root)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return Rejected(index, root, "A lead must be a JSON object.");
        Lead? lead;
        try
        {
            lead = element.Deserialize<Lead>(ModelJson.Options);
        }
        catch (JsonException e)
        {
            return Rejected(index, e.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : root, e.Message);
        }

        var result = Validator.Validate(lead!);
        if (!result.IsValid) return new IntakeLead(index, null, result.ToDictionary().AsReadOnly());

        Lead normalised;
        try
        {
            normalised = LeadNormalizer.Normalize(lead!);
        }
        catch (InvalidOperationException)
        {
            // Typed fields reject such text while they are read; free-form attributes only once their text is.
            return Rejected(index, "attributes", "Text must be valid Unicode: an unpaired surrogate such as \\ud800 is not.");
        }
        var leadId = DeterministicId.For(tenant.ToString(), normalised.ExternalId!);
        return new IntakeLead(index, new ReceiveLead(leadId, normalised, element.Clone()), null);
    }

    private static IntakeLead Rejected(int index, string field, string message) =>
        new(index, null, new Dictionary<string, string[]> { [field] = [message] }.AsReadOnly());

    /// <summary>The body, up to <see cref="MaxBodyBytes"/>: a larger one is a 413, read no further.</summary>
    private static async Task<(byte[] Body, ProblemHttpResult? Problem)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return ([], ApiDefaults.FieldProblem("Content-Type", "Send the leads as application/json.",
                StatusCodes.Status415UnsupportedMediaType));
        }
        if (request.ContentLength > MaxBodyBytes) return ([], TooLarge());

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 16 * 1024);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return ([], TooLarge());
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), null);
    }

    private static ProblemHttpResult TooLarge() =>
        ApiDefaults.FieldProblem("body",
            $"A request may hold at most {MaxBodyBytes / 1024} KB ({MaxBodyBytes} bytes) of leads; split it into smaller batches.",
            StatusCodes.Status413PayloadTooLarge);
}
