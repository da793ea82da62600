using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Claims;
using GrowthKit.Model.Audit;
using GrowthKit.Platform.Persistence.Audit;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace GrowthKit.Scoring.Audit;

/// <summary>The auditor's public key, as the well-known route publishes it.</summary>
public sealed record AuditPublicKey(string Algorithm, string KeyId, string PublicKey);

/// <summary>
/// The audit routes. The scoring service serves them for both chains (the ICP service's and its own
/// ledger's): it holds the platform's signing key and most of the chained events.
/// </summary>
public static class AuditApi
{
    public const string WellKnownPath = "/.well-known/growthkit-audit-key";

    /// <summary>Every chain a tenant has: the ICP service's events, then the score ledger's.</summary>
    public static readonly IReadOnlyList<ChainedService> Chains = [new("icp", "icp"), ScoreLedger.Chain];

    public static WebApplication MapAuditApi(this WebApplication app)
    {
        var audit = app.MapGroup("api/audit").WithTags("Audit");
        audit.MapGet("/verify", Verify)
            .WithName("VerifyAudit")
            .WithSummary("Walks the tenant's hash chains (ICP events and score events) and names the first broken link");
        audit.MapGet("/export", Export)
            .WithName("ExportAudit")
            .WithSummary("Every chained event with its hash, the signed checkpoints and a signed head, as NDJSON")
            .WithDescription("from and to (ISO 8601) bound the events' timestamps (from inclusive, to exclusive). " +
                             "Replay it offline with the growthkit-audit tool.")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson")
            .ProducesValidationProblem();
        app.MapGet(WellKnownPath, (AuditSigner signer) =>
                TypedResults.Ok(new AuditPublicKey("ECDSA P-256 SHA-256 (IEEE P1363 signature, base64)", signer.KeyId, signer.PublicKey)))
            .WithName("AuditPublicKey")
            .WithTags("Audit")
            .WithSummary("The platform's public key that signs audit chain heads (base64 SubjectPublicKeyInfo)")
            .AllowAnonymous();
        return app;
    }

    private static async Task<Ok<AuditVerification>> Verify(ClaimsPrincipal user, AuditDatabase database, AuditSigner signer,
        AuditStatus status, TimeProvider clock, CancellationToken ct)
    {
        var tenantId = user.TenantId().ToString();
        var started = Stopwatch.GetTimestamp();
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        var result = await AuditVerifier.VerifyAsync(connection, tenantId, Chains, signer.Verifier, ct);
        status.Record(result, Stopwatch.GetElapsedTime(started), clock.GetUtcNow());
        await AuditVerifications.RecordAsync(connection, tenantId, result, clock.GetUtcNow(), ct);
        return TypedResults.Ok(result);
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Export(string? from, string? to, HttpContext http,
        ClaimsPrincipal user, AuditDatabase database, AuditSigner signer, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var fromAt = Instant(from, "from", errors);
        var toAt = Instant(to, "to", errors);
        if (errors.Count > 0) return ApiDefaults.FieldProblems(errors);

        http.Response.ContentType = "application/x-ndjson";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"growthkit-audit.ndjson\"";
        await AuditExport.WriteAsync(http.Response.Body, database.DataSource, user.TenantId().ToString(), Chains, signer,
            fromAt, toAt, clock.GetUtcNow(), ct);
        return TypedResults.Empty;
    }

    private static DateTimeOffset? Instant(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
        errors[name] = [$"{name} must be an ISO 8601 instant, for example 2026-05-01T00:00:00Z."];
        return null;
    }
}

/// <summary>
/// The last verification this process ran: a metric and a health entry report it. A failed one makes
/// the service Degraded (still serving — a tampered record is a finding, not an outage).
/// </summary>
public sealed class AuditStatus : IHealthCheck
{
    private static readonly Meter Meter = new(GrowthKitTelemetry.SourceName);
    private static readonly Counter<long> Verifications = Meter.CreateCounter<long>("growthkit.audit.verifications",
        description: "Audit chain verifications, by outcome (ok, broken)");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("growthkit.audit.verification.duration",
        unit: "s", description: "Time to verify a tenant's audit chains");

    private AuditVerification? _last;
    private DateTimeOffset _at;

    public AuditStatus() =>
        Meter.CreateObservableGauge("growthkit.audit.last_verification.ok", () => _last is { } last ? (last.Ok ? 1 : 0) : -1,
            description: "1 when the last verification passed, 0 when it found a broken link, -1 before the first");

    public void Record(AuditVerification result, TimeSpan took, DateTimeOffset at)
    {
        _last = result;
        _at = at;
        Verifications.Add(1, new KeyValuePair<string, object?>("outcome", result.Ok ? "ok" : "broken"));
        Duration.Record(took.TotalSeconds);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        if (_last is not { } last) return Task.FromResult(HealthCheckResult.Healthy("No audit verification has run yet.", data));
        data["verifiedAt"] = _at;
        data["events"] = last.Events;
        return Task.FromResult(last.Ok
            ? HealthCheckResult.Healthy($"The last audit verification passed over {last.Events} events.", data)
            : HealthCheckResult.Degraded($"The last audit verification found a broken link: {last.FirstBroken!.Reason}", data: data));
    }
}

/// <summary>Signs every chain head that moved, periodically: the checkpoints a rewritten chain cannot match.</summary>
public sealed class AuditCheckpointer(AuditDatabase database, AuditSigner signer, IConfiguration configuration,
    ILogger<AuditCheckpointer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("GrowthKit:Audit:CheckpointSeconds", 60);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(interval));
        do
        {
            try
            {
                var signed = await signer.CheckpointAsync(database.DataSource, stoppingToken);
                if (signed > 0) logger.LogDebug("Signed {Count} audit chain heads", signed);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Audit checkpoint failed; retrying at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
