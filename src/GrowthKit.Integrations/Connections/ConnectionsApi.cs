using System.Security.Claims;
using FluentValidation;
using GrowthKit.Integrations.HubSpot;
using GrowthKit.Integrations.Outbound;
using GrowthKit.Integrations.Pipedrive;
using GrowthKit.Integrations.Sync;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Quartz;

namespace GrowthKit.Integrations.Connections;

/// <param name="AccessToken">HubSpot: a private app's access token; Pipedrive: the API token. Stored encrypted, never returned.</param>
/// <param name="BaseUrl">The CRM's API; the vendor's public API when absent.</param>
public sealed record ConnectRequest(string? AccessToken, string? BaseUrl);

public sealed record ConnectionAnswer(string Kind, string Status);

/// <param name="Status"><c>connected</c>; <c>failing</c> when the last sync failed.</param>
/// <param name="Cursor">Where the next sync starts, per object type: opaque positions (HubSpot: modification time in ms; Pipedrive: a timestamp).</param>
public sealed record ConnectionView(string Kind, string Status, DateTimeOffset? LastSyncAt, SyncCursor Cursor);

public sealed record SyncErrorView(string Record, string Message);

public sealed record SyncView(string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int Companies, int Contacts,
    int Deals, int LeadsUpserted, int DealsRecorded, int Errors, IReadOnlyList<SyncErrorView> ErrorDetails, string? Failure)
{
    public static SyncView Of(CrmSync sync) => new(sync.Status, sync.StartedAt, sync.FinishedAt, sync.Companies, sync.Contacts,
        sync.Deals, sync.LeadsUpserted, sync.DealsRecorded, sync.ErrorCount,
        [.. sync.Errors.Select(e => new SyncErrorView(e.Record, e.Message))], sync.Failure);
}

public static class ConnectionsApi
{
    public const int MaxTokenLength = 1024;
    public const int MaxUrlLength = 2048;
    private static readonly ConnectRequestValidator Validator = new();

    /// <summary>Connections, their tokens' vault, the connectors and their HTTP clients.</summary>
    public static IHostApplicationBuilder AddCrmConnections(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TokenVault>();
        builder.Services.AddSingleton<CrmBudgets>();
        builder.Services.Configure<HubSpotOptions>(builder.Configuration.GetSection(HubSpotOptions.Section));
        builder.Services.Configure<PipedriveOptions>(builder.Configuration.GetSection(PipedriveOptions.Section));
        builder.Services.AddCrmHttpClient(CrmKinds.HubSpot, window: TimeSpan.FromSeconds(10), builder.Configuration);
        builder.Services.AddCrmHttpClient(CrmKinds.Pipedrive, window: TimeSpan.FromSeconds(2), builder.Configuration);
        builder.Services.AddSingleton<ICrmConnector, HubSpotConnector>();
        builder.Services.AddSingleton<ICrmConnector, PipedriveConnector>();
        return builder;
    }

    /// <summary>The documents the connections and syncs keep, in the service's schema.</summary>
    public static void AddCrmDocuments(this StoreOptions options)
    {
        options.Schema.For<CrmConnection>();
        options.Schema.For<CrmSync>();
        options.Schema.For<SyncedRecord>();
    }

    public static WebApplication MapConnections(this WebApplication app)
    {
        var group = app.MapGroup("api/integrations").WithTags("Integrations");
        // The document lists the kinds; the endpoints answer another one with a 404 problem.
        group.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter.Name == "kind" && parameter.Schema is Microsoft.OpenApi.OpenApiSchema schema)
                    schema.Enum = [.. CrmKinds.All.Select(k => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(k))];
            }
            return Task.CompletedTask;
        });
        group.MapPut("/{kind}", Connect)
            .WithName("ConnectCrm")
            .WithSummary("Connect a CRM (hubspot or pipedrive) with its token, or replace the token")
            .WithDescription("The token is stored encrypted and never returned. Changing baseUrl starts the next sync from the beginning.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{kind}", Get)
            .WithName("GetCrmConnection")
            .WithSummary("A CRM connection: its status, last sync and cursor")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{kind}", Disconnect)
            .WithName("DisconnectCrm")
            .WithSummary("Remove a CRM connection, its token and its sync state (leads and deals already taken stay)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{kind}/sync", StartSync)
            .WithName("StartCrmSync")
            .WithSummary("Start a sync now, incremental from the last cursor (a running sync is left to finish)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{kind}/sync", GetSync)
            .WithName("GetCrmSync")
            .WithSummary("The latest sync of a CRM connection with its progress and errors per record")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static ProblemHttpResult UnknownKind(string kind) =>
        ApiDefaults.NotFoundProblem("CRM", $"'{kind}' is not a CRM GrowthKit connects to; use {string.Join(" or ", CrmKinds.All)}.");

    private static ProblemHttpResult NotConnected(string kind) =>
        ApiDefaults.NotFoundProblem("Connection", $"The tenant has not connected {kind}; PUT /api/integrations/{kind} first.");

    private static async Task<Results<Ok<ConnectionAnswer>, ProblemHttpResult>> Connect(string kind, ConnectRequest request,
        ClaimsPrincipal user, IDocumentStore store, TokenVault vault, IOptions<OutboundOptions> outbound, TimeProvider clock, CancellationToken ct)
    {
        if (!CrmKinds.IsKnown(kind)) return UnknownKind(kind);
        var result = Validator.Validate(request);
        if (!result.IsValid) return result.ValidationProblem(StatusCodes.Status400BadRequest);
        var baseUrl = request.BaseUrl is { Length: > 0 } given ? new Uri(given.Trim()) : CrmKinds.DefaultBaseUrl(kind);
        if (OutboundHttp.Refusal(baseUrl, outbound.Value.AllowPrivateNetworks) is { } refusal)
            return ApiDefaults.FieldProblem("baseUrl", $"'baseUrl' {refusal}", StatusCodes.Status422UnprocessableEntity);
        // Relative paths are resolved against the base URL: it must end with a slash to keep its own path.
        if (!baseUrl.AbsolutePath.EndsWith('/')) baseUrl = new Uri(baseUrl + "/");

        var tenant = user.TenantId();
        await using var session = store.LightweightSession(tenant.ToString());
        var existing = await session.LoadAsync<CrmConnection>(kind, ct);
        if (existing is not null && existing.BaseUrl != baseUrl.ToString())
        {
            // Another account: its cursor and what was sent to it mean nothing here.
            session.Delete<CrmSync>(kind);
            session.DeleteWhere<SyncedRecord>(r => r.Id.StartsWith(kind + ":"));
        }
        session.Store(new CrmConnection(kind, tenant, vault.Protect(request.AccessToken!.Trim()), baseUrl.ToString(),
            existing?.ConnectedAt ?? clock.GetUtcNow()));
        await session.SaveChangesAsync(ct);
        return TypedResults.Ok(new ConnectionAnswer(kind, "connected"));
    }

    private static async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> Get(string kind, ClaimsPrincipal user,
        IDocumentStore store, CancellationToken ct)
    {
        if (!CrmKinds.IsKnown(kind)) return UnknownKind(kind);
        await using var session = store.QuerySession(user.TenantId().ToString());
        if (await session.LoadAsync<CrmConnection>(kind, ct) is null) return NotConnected(kind);
        var sync = await session.LoadAsync<CrmSync>(kind, ct);
        return TypedResults.Ok(new ConnectionView(kind, sync?.Status == SyncStatuses.Failed ? "failing" : "connected",
            sync?.LastSyncAt, sync?.Cursor ?? new SyncCursor(null, null)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Disconnect(string kind, ClaimsPrincipal user,
        IDocumentStore store, CancellationToken ct)
    {
        if (!CrmKinds.IsKnown(kind)) return UnknownKind(kind);
        await using var session = store.LightweightSession(user.TenantId().ToString());
        if (await session.LoadAsync<CrmConnection>(kind, ct) is null) return NotConnected(kind);
        session.Delete<CrmConnection>(kind);
        session.Delete<CrmSync>(kind);
        session.DeleteWhere<SyncedRecord>(r => r.Id.StartsWith(kind + ":"));
        await session.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<SyncView>, ProblemHttpResult>> StartSync(string kind, ClaimsPrincipal user,
        IDocumentStore store, ISchedulerFactory schedulers, TimeProvider clock, CancellationToken ct)
    {
        if (!CrmKinds.IsKnown(kind)) return UnknownKind(kind);
        var tenant = user.TenantId();
        CrmSync sync;
        await using (var session = store.LightweightSession(tenant.ToString()))
        {
            if (await session.LoadAsync<CrmConnection>(kind, ct) is null) return NotConnected(kind);
            var current = await session.LoadAsync<CrmSync>(kind, ct);
            sync = current is { Status: SyncStatuses.Running } ? current : CrmSync.Start(kind, tenant, current, clock.GetUtcNow());
            if (!ReferenceEquals(sync, current))
            {
                session.Store(sync);
                await session.SaveChangesAsync(ct);
            }
        }
        await SyncScheduling.StartAsync(await schedulers.GetScheduler(ct), tenant, kind, ct);
        return TypedResults.Accepted($"/api/integrations/{kind}/sync", SyncView.Of(sync));
    }

    private static async Task<Results<Ok<SyncView>, ProblemHttpResult>> GetSync(string kind, ClaimsPrincipal user,
        IDocumentStore store, CancellationToken ct)
    {
        if (!CrmKinds.IsKnown(kind)) return UnknownKind(kind);
        await using var session = store.QuerySession(user.TenantId().ToString());
        if (await session.LoadAsync<CrmConnection>(kind, ct) is null) return NotConnected(kind);
        return await session.LoadAsync<CrmSync>(kind, ct) is { } sync
            ? TypedResults.Ok(SyncView.Of(sync))
            : ApiDefaults.NotFoundProblem("Sync", $"No sync of {kind} has started yet; POST /api/integrations/{kind}/sync starts one.");
    }

    private sealed class ConnectRequestValidator : AbstractValidator<ConnectRequest>
    {
        public ConnectRequestValidator()
        {
            RuleFor(r => r.AccessToken).NotEmpty().WithMessage("'accessToken' is required.")
                .BoundedText(MaxTokenLength).OverridePropertyName("accessToken");
            RuleFor(r => r.AccessToken).Must(t => t is null || t.Trim().All(c => c is > ' ' and <= '~'))
                .WithMessage("'accessToken' must be printable ASCII without spaces.").OverridePropertyName("accessToken");
            RuleFor(r => r.BaseUrl).BoundedText(MaxUrlLength).OverridePropertyName("baseUrl");
            RuleFor(r => r.BaseUrl).Must(u => u is null || (Uri.TryCreate(u.Trim(), UriKind.Absolute, out var url)
                                                            && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
                .WithMessage("'baseUrl' must be an absolute http or https URL.").OverridePropertyName("baseUrl");
        }
    }
}
