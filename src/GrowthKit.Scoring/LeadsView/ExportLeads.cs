using System.Security.Claims;
using System.Text.Json;
using CsvHelper;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Scoring.LeadsView;

/// <summary>
/// <c>GET /api/leads/export?icpId=</c>: the ranking of <c>GET /api/leads?icpId=</c> (every lead with its score for
/// the latest published version of the ICP, best first) as CSV, streamed row by row from the database.
/// </summary>
public static class ExportLeadsFeature
{
    public static readonly string[] Columns =
    [
        "leadId", "externalId", "company.name", "company.domain", "company.industry", "company.employeeCount",
        "company.annualRevenue", "company.country", "icpId", "icpVersion", "snapshot", "score", "tier", "disqualifiedBy", "scoredAt",
    ];

    private static readonly string[] CompanyFields = ["name", "domain", "industry", "employeeCount", "annualRevenue", "country"];

    public static RouteGroupBuilder MapExportLeads(this RouteGroupBuilder group)
    {
        group.MapGet("/export", Export)
            .WithName("ExportLeads")
            .WithSummary("Leads with their newest score and tier for the latest published version of an ICP, as CSV")
            .WithDescription("text/csv (UTF-8, RFC 4180), a header row then one lead a row, best first, as GET /api/leads?icpId= "
                             + "ranks them. Text cells that a spreadsheet would run as a formula (starting with = + - @) are "
                             + "prefixed with '.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> Export(
        ClaimsPrincipal user, ScoringDatabase database, CancellationToken ct, string? icpId = null)
    {
        if (string.IsNullOrWhiteSpace(icpId)) return ApiDefaults.FieldProblem("icpId", "icpId is required: the ICP whose scores are exported.");
        if (!Guid.TryParse(icpId, out var icp)) return ApiDefaults.FieldProblem("icpId", "icpId must be a GUID.");
        var tenantId = user.TenantId();
        int version;
        await using (var connection = await database.OpenAsync(ct))
        {
            if (await IcpVersions.LatestVersionAsync(connection, tenantId, icp, ct) is not { } latest)
            {
                return ApiDefaults.NotFoundProblem("ICP (with a published version)");
            }
            version = latest;
        }
        return TypedResults.Stream(body => WriteAsync(body, database, tenantId, icp, version, ct), "text/csv; charset=utf-8",
            $"leads-{icp}-v{version}.csv");
    }

    private static async Task WriteAsync(Stream body, ScoringDatabase database, Guid tenantId, Guid icp, int version, CancellationToken ct)
    {
        await using var csv = CsvWriter.Create(body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        csv.WriteHeader(Columns);
        await using var connection = await database.OpenAsync(ct);
        await foreach (var row in LeadScores.RankingAsync(connection, tenantId, icp, version).WithCancellation(ct))
        {
            csv.WriteField(row.LeadId.ToString());
            csv.WriteField(row.ExternalId);
            using (var lead = JsonDocument.Parse(row.Lead))
            {
                var company = lead.RootElement.TryGetProperty("company", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
                foreach (var field in CompanyFields)
                {
                    if (company.ValueKind != JsonValueKind.Object || !company.TryGetProperty(field, out var value)) csv.WriteField((string?)null);
                    else if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)) csv.WriteField(number, default);
                    else csv.WriteField(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText());
                }
            }
            csv.WriteField(icp.ToString());
            csv.WriteField(version, default);
            csv.WriteField(row.Snapshot, default);
            csv.WriteField(row.Score, default);
            csv.WriteField(row.Tier);
            csv.WriteField(row.DisqualifiedKey);
            csv.WriteField(row.ScoredAtUtc, default);
            await csv.EndRecordAsync(ct);
        }
        await csv.FlushAsync(ct);
    }
}
