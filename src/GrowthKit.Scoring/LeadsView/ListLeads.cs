using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using GrowthKit.Model;
using GrowthKit.Scoring.Publishing;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GrowthKit.Scoring.LeadsView;

/// <summary>A lead in a ranking: who it is and its score for the latest published version of the ICP.</summary>
public sealed record ListedLead(Guid LeadId, string ExternalId, JsonElement? Company, ListedScore Score);

/// <summary>API.md's score shape without the breakdown (GET /api/leads/{leadId} has it): a list stays light. <c>winProbability</c> as there.</summary>
public sealed record ListedScore(
    Guid IcpId, int IcpVersion, int Snapshot, decimal Score, string Tier,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DisqualifiedBy? DisqualifiedBy,
    string ModelVersion, string InputHash, DateTimeOffset ScoredAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinProbability);

public static class ListLeadsFeature
{
    private static readonly string[] Tiers = [TierNames.A, TierNames.B, TierNames.C, TierNames.D, TierNames.Disqualified];

    public static RouteGroupBuilder MapListLeads(this RouteGroupBuilder group)
    {
        group.MapGet("/", List)
            .WithName("ListLeads")
            .WithSummary("Leads ranked by their score for the latest published version of an ICP, best first")
            .WithDescription("icpId is required. tier (A, B, C, D or disqualified) and minScore filter; the order is "
                             + "score descending, then leadId. A lead is listed once its current snapshot has a score "
                             + "for that version (during a re-scoring, leads not reached yet are not listed).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<Page<ListedLead>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, ScoringDatabase database, CancellationToken ct,
        string? icpId = null, string? tier = null, string? minScore = null, int? limit = null, string? cursor = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(icpId)) errors["icpId"] = ["icpId is required: the ICP whose scores rank the leads."];
        else if (!Guid.TryParse(icpId, out _)) errors["icpId"] = ["icpId must be a GUID."];
        var wantedTier = tier is null ? null : Tiers.FirstOrDefault(t => string.Equals(t, tier.Trim(), StringComparison.OrdinalIgnoreCase));
        if (tier is not null && wantedTier is null) errors["tier"] = [$"tier must be one of {string.Join(", ", Tiers)}."];
        decimal? min = null;
        if (minScore is not null)
        {
            if (decimal.TryParse(minScore, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) min = parsed;
            else errors["minScore"] = ["minScore must be a number."];
        }
        (decimal Score, Guid LeadId)? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (OpaqueCursor.TryRead(cursor, "s", out var parts) && parts.Length == 2
                && decimal.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
                && Guid.TryParse(parts[1], out var l))
            {
                after = (s, l);
            }
            else
            {
                errors["cursor"] = ["The cursor is not one this list gave."];
            }
        }
        if (Paging.CheckLimit(limit, out var take) is not null) errors["limit"] = [$"limit must be between 1 and {Paging.MaxLimit}."];
        if (errors.Count > 0) return ApiDefaults.FieldProblems(errors);

        var tenantId = user.TenantId();
        var icp = Guid.Parse(icpId!);
        await using var connection = await database.OpenAsync(ct);
        if (await PublishedVersions.LatestVersionAsync(connection, tenantId, icp, ct) is not { } version)
        {
            return ApiDefaults.NotFoundProblem("ICP (with a published version)");
        }

        // Walks lead_scores_ranking (tenant, icp, version, score desc, lead_id) in its order.
        await using var command = new NpgsqlCommand($"""
            select s.lead_id, l.external_id, l.lead, s.snapshot, s.score, s.tier, s.disqualified_key,
                   s.disqualified_reason, s.model_version, s.input_hash, s.scored_at
            from {ScoringTables.Schema}.lead_scores s
            join {ScoringTables.Schema}.leads l
              on l.tenant_id = s.tenant_id and l.lead_id = s.lead_id and l.snapshot = s.snapshot
            where s.tenant_id = $1 and s.icp_id = $2 and s.icp_version = $3
              and ($4::text is null or s.tier = $4)
              and ($5::numeric is null or s.score >= $5)
              and ($6::numeric is null or s.score < $6 or (s.score = $6 and s.lead_id > $7))
            order by s.score desc, s.lead_id
            limit $8
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = icp });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)wantedTier ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)min ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.Score ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.LeadId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = take + 1 });

        var calibrations = await WinCalibrations.LoadAsync(connection, tenantId, [(icp, version)], ct);
        var rows = new List<ListedLead>(take + 1);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var disqualifiedBy = reader.IsDBNull(6) ? null : new DisqualifiedBy(reader.GetString(6), reader.GetString(7));
            var score = reader.GetDecimal(4);
            rows.Add(new ListedLead(reader.GetGuid(0), reader.GetString(1), CompanyOf(reader.GetString(2)),
                new ListedScore(icp, version, reader.GetInt32(3), score, reader.GetString(5), disqualifiedBy,
                    reader.GetString(8), reader.GetString(9), reader.GetFieldValue<DateTimeOffset>(10),
                    calibrations.WinProbability(icp, version, score))));
        }
        return TypedResults.Ok(Paging.From(rows, take, r => r,
            r => OpaqueCursor.Write("s", r.Score.Score.ToString(CultureInfo.InvariantCulture), r.LeadId.ToString())));
    }

    private static JsonElement? CompanyOf(string lead)
    {
        using var document = JsonDocument.Parse(lead);
        return document.RootElement.TryGetProperty("company", out var company) ? company.Clone() : null;
    }
}
