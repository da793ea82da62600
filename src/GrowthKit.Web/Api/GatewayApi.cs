using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GrowthKit.Web.Session;

namespace GrowthKit.Web.Api;

/// <summary>
/// The public API through the gateway, with the signed-in tenant's key as Bearer token. Every call
/// answers an <see cref="ApiResult{T}"/>: pages show <see cref="ApiProblem.Message"/> instead of throwing.
/// </summary>
public sealed partial class GatewayApi(HttpClient http, UserSession session, ILogger<GatewayApi> logger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Whether the gateway accepts the key: the cheapest tenant read with it.</summary>
    public Task<ApiResult<PageOfIcpView>> CheckKeyAsync(string apiKey, CancellationToken ct = default) =>
        SendAsync<PageOfIcpView>(HttpMethod.Get, "/api/icps?limit=1", null, null, ct, apiKey);

    /// <summary>A new tenant, made with the operator's admin key (used for this one request, kept nowhere).</summary>
    public Task<ApiResult<TenantCreated>> CreateTenantAsync(string adminKey, string name, CancellationToken ct = default) =>
        SendAsync<TenantCreated>(HttpMethod.Post, "/admin/tenants", new CreateTenant { Name = name }, null, ct, adminKey);

    // ICPs
    public Task<ApiResult<PageOfIcpView>> ListIcpsAsync(CancellationToken ct = default) =>
        SendAsync<PageOfIcpView>(HttpMethod.Get, "/api/icps?limit=1000", ct: ct);

    public Task<ApiResult<IcpView>> GetIcpAsync(Guid icpId, DateTimeOffset? asOf = null, CancellationToken ct = default) =>
        SendAsync<IcpView>(HttpMethod.Get, asOf is { } at
            ? $"/api/icps/{icpId}?asOf={Uri.EscapeDataString(at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))}"
            : $"/api/icps/{icpId}", ct: ct);

    public Task<ApiResult<IcpCreated>> CreateIcpAsync(IcpDefinition definition, CancellationToken ct = default) =>
        SendAsync<IcpCreated>(HttpMethod.Post, "/api/icps", definition, ct: ct);

    public Task<ApiResult<IcpEdited>> EditIcpAsync(Guid icpId, IcpDefinition definition, string reason, string? etag,
        CancellationToken ct = default) =>
        SendAsync<IcpEdited>(HttpMethod.Put, $"/api/icps/{icpId}", new EditRequest { Definition = definition, Reason = reason }, etag, ct);

    public Task<ApiResult<IcpPublishedResponse>> PublishAsync(Guid icpId, string reason, string? etag, CancellationToken ct = default) =>
        SendAsync<IcpPublishedResponse>(HttpMethod.Post, $"/api/icps/{icpId}/publish", new PublishRequest { Reason = reason }, etag, ct);

    public Task<ApiResult<List<VersionSummary>>> VersionsAsync(Guid icpId, CancellationToken ct = default) =>
        SendAsync<List<VersionSummary>>(HttpMethod.Get, $"/api/icps/{icpId}/versions", ct: ct);

    public Task<ApiResult<VersionDetail>> VersionAsync(Guid icpId, int version, CancellationToken ct = default) =>
        SendAsync<VersionDetail>(HttpMethod.Get, $"/api/icps/{icpId}/versions/{version}", ct: ct);

    public Task<ApiResult<VersionDiff>> DiffAsync(Guid icpId, int from, int to, CancellationToken ct = default) =>
        SendAsync<VersionDiff>(HttpMethod.Get, $"/api/icps/{icpId}/diff?from={from}&to={to}", ct: ct);

    public Task<ApiResult<List<HistoryEntry>>> HistoryAsync(Guid icpId, CancellationToken ct = default) =>
        SendAsync<List<HistoryEntry>>(HttpMethod.Get, $"/api/icps/{icpId}/history", ct: ct);

    public Task<ApiResult<RescoringProgress>> RescoringAsync(Guid icpId, int version, CancellationToken ct = default) =>
        SendAsync<RescoringProgress>(HttpMethod.Get, $"/api/icps/{icpId}/versions/{version}/rescoring", ct: ct);

    // Workshops
    public Task<ApiResult<WorkshopOpened>> StartWorkshopAsync(CancellationToken ct = default) =>
        SendAsync<WorkshopOpened>(HttpMethod.Post, "/api/workshops", new { }, ct: ct);

    public Task<ApiResult<WorkshopView>> GetWorkshopAsync(Guid workshopId, CancellationToken ct = default) =>
        SendAsync<WorkshopView>(HttpMethod.Get, $"/api/workshops/{workshopId}", ct: ct);

    public Task<ApiResult<AnswerResponse>> AnswerAsync(Guid workshopId, string questionId, JsonNode? answer,
        CancellationToken ct = default) =>
        // The answer is sent even when null: null skips an optional question.
        SendAsync<AnswerResponse>(HttpMethod.Post, $"/api/workshops/{workshopId}/answers",
            new AnswerRequest { QuestionId = questionId, Answer = JsonSerializer.SerializeToElement(answer) }, ct: ct);

    public Task<ApiResult<IcpCreated>> CompleteWorkshopAsync(Guid workshopId, string name, CancellationToken ct = default) =>
        SendAsync<IcpCreated>(HttpMethod.Post, $"/api/workshops/{workshopId}/complete", new CompleteRequest { Name = name }, ct: ct);

    // Leads
    public Task<ApiResult<LeadAccepted>> SendLeadAsync(JsonObject lead, CancellationToken ct = default) =>
        SendAsync<LeadAccepted>(HttpMethod.Post, "/api/leads", lead, ct: ct);

    public Task<ApiResult<LeadResponse>> GetLeadAsync(Guid leadId, CancellationToken ct = default) =>
        SendAsync<LeadResponse>(HttpMethod.Get, $"/api/leads/{leadId}", ct: ct);

    public Task<ApiResult<PageOfScoreResponse>> LeadScoresAsync(Guid leadId, CancellationToken ct = default) =>
        SendAsync<PageOfScoreResponse>(HttpMethod.Get, $"/api/leads/{leadId}/scores?limit=1000", ct: ct);

    public Task<ApiResult<PageOfListedLead>> ListLeadsAsync(Guid icpId, string? tier, int limit, string? cursor,
        CancellationToken ct = default)
    {
        var query = $"/api/leads?icpId={icpId}&limit={limit}";
        if (!string.IsNullOrEmpty(tier)) query += $"&tier={Uri.EscapeDataString(tier)}";
        if (!string.IsNullOrEmpty(cursor)) query += $"&cursor={Uri.EscapeDataString(cursor)}";
        return SendAsync<PageOfListedLead>(HttpMethod.Get, query, ct: ct);
    }

    public Task<ApiResult<QuarantinePage>> QuarantineAsync(int limit = 100, CancellationToken ct = default) =>
        SendAsync<QuarantinePage>(HttpMethod.Get, $"/api/leads/quarantine?limit={limit}", ct: ct);

    // Usage
    public Task<ApiResult<UsageView>> UsageAsync(CancellationToken ct = default) =>
        SendAsync<UsageView>(HttpMethod.Get, "/api/usage", ct: ct);

    // Audit
    public Task<ApiResult<AuditVerification>> VerifyAuditAsync(CancellationToken ct = default) =>
        SendAsync<AuditVerification>(HttpMethod.Get, "/api/audit/verify", ct: ct);

    /// <summary>
    /// The tenant's audit export, buffered here for the browser to save: the key never leaves the
    /// server, so the browser cannot fetch the export itself.
    /// </summary>
    public async Task<ApiResult<byte[]>> ExportAuditAsync(CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(session.ApiKey))
        {
            return new ApiResult<byte[]>(null, new ApiProblem(401, "Not signed in.", null, new Dictionary<string, string[]>()));
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/audit/export");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.ApiKey);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return response.IsSuccessStatusCode
                ? new ApiResult<byte[]>(await response.Content.ReadAsByteArrayAsync(ct), null)
                : new ApiResult<byte[]>(null, await ApiProblem.ReadAsync(response, ct));
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "The audit export failed");
            return new ApiResult<byte[]>(null, ApiProblem.Unreachable(e.Message));
        }
    }

    // Refinement
    public Task<ApiResult<GapReport>> GapReportAsync(Guid icpId, CancellationToken ct = default) =>
        SendAsync<GapReport>(HttpMethod.Get, $"/api/icps/{icpId}/gap-report", ct: ct);

    public Task<ApiResult<ProposalList>> ProposalsAsync(Guid icpId, CancellationToken ct = default) =>
        SendAsync<ProposalList>(HttpMethod.Get, $"/api/icps/{icpId}/proposals", ct: ct);

    public Task<ApiResult<ProposalVersion>> AcceptProposalAsync(Guid icpId, Guid proposalId, CancellationToken ct = default) =>
        SendAsync<ProposalVersion>(HttpMethod.Post, $"/api/icps/{icpId}/proposals/{proposalId}/accept", new { }, ct: ct);

    public Task<ApiResult<JsonElement>> RejectProposalAsync(Guid icpId, Guid proposalId, string? reason, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"/api/icps/{icpId}/proposals/{proposalId}/reject",
            new RejectRequest { Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() }, ct: ct);

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body = null, string? etag = null,
        CancellationToken ct = default, string? apiKey = null)
    {
        var key = apiKey ?? session.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            return new ApiResult<T>(default, new ApiProblem(401, "Not signed in.", null, new Dictionary<string, string[]>()));
        }

        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        if (etag is not null) request.Headers.TryAddWithoutValidation("If-Match", etag);

        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                return new ApiResult<T>(default, await ApiProblem.ReadAsync(response, ct));
            }
            var value = response.Content.Headers.ContentLength == 0
                ? default
                : await response.Content.ReadFromJsonAsync<T>(Json, ct);
            return new ApiResult<T>(value, null, response.Headers.ETag?.ToString());
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "{Method} {Path} failed", method, path);
            return new ApiResult<T>(default, ApiProblem.Unreachable(e.Message));
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "{Method} {Path} timed out", method, path);
            return new ApiResult<T>(default, ApiProblem.Unreachable("the request timed out."));
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "{Method} {Path} answered JSON of an unexpected shape", method, path);
            return new ApiResult<T>(default, new ApiProblem(0, "GrowthKit answered in a shape this page does not understand.",
                e.Message, new Dictionary<string, string[]>()));
        }
    }
}
