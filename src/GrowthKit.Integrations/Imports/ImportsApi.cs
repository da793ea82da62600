using System.Security.Claims;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace GrowthKit.Integrations.Imports;

public sealed record ImportAccepted(Guid ImportId);

/// <summary><c>POST /api/leads/import</c>, <c>POST /api/deals/import</c> (text/csv) and <c>GET /api/imports/{importId}</c>.</summary>
public static class ImportsApi
{
    /// <summary>About 100,000 rows of a few hundred bytes; a larger body is a 413.</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    private const string Description =
        "Content-Type: text/csv (UTF-8, RFC 4180, comma separated). The first row names the columns with field paths "
        + "(leads: externalId, company.name, company.domain, company.industry, company.employeeCount, company.annualRevenue, "
        + "company.country, signals, painPoints, contact.title, contact.seniority, contact.department, attributes.<name>; "
        + "deals: dealId, leadId, externalId, outcome, amount, closedAt, reason). Lists (signals, painPoints, and any column "
        + "whose path ends in []) are written ';'-separated; an empty cell leaves the field out. At most 100,000 rows. "
        + "Rows are numbered as in the file, the header being row 1. Answers 202 {importId}; follow GET /api/imports/{importId}.";

    private static void MapImport(WebApplication app, ImportKind kind, string route, string name, string summary) =>
        app.MapPost(route, (HttpRequest request, ClaimsPrincipal user, ImportStore store, ImportSignal signal,
                TimeProvider clock, CancellationToken ct) => ImportAsync(kind, request, user, store, signal, clock, ct))
            .WithName(name).WithSummary(summary).WithDescription(Description)
            .WithTags("Imports").Accepts<string>("text/csv")
            .Produces<ImportAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            // The document states the body's bound: the file is at most MaxBodyBytes (one byte is at least one character).
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                if (operation.RequestBody?.Content?.TryGetValue("text/csv", out var csv) == true && csv.Schema is Microsoft.OpenApi.OpenApiSchema schema)
                    schema.MaxLength = (int)Math.Min(int.MaxValue, MaxBodyBytes);
                return Task.CompletedTask;
            });

    public static WebApplication MapImports(this WebApplication app)
    {
        MapImport(app, ImportKind.Leads, "api/leads/import", "ImportLeads", "Import leads from a CSV file, as a background job");
        MapImport(app, ImportKind.Deals, "api/deals/import", "ImportDeals", "Import closed deals from a CSV file, as a background job");
        app.MapGet("api/imports/{importId:guid}", ReadAsync)
            .WithName("ReadImport").WithSummary("An import's progress: rows, accepted, and each refused row with its errors")
            .WithTags("Imports");
        return app;
    }

    private static async Task<Results<Accepted<ImportAccepted>, ProblemHttpResult>> ImportAsync(ImportKind kind, HttpRequest request,
        ClaimsPrincipal user, ImportStore store, ImportSignal signal, TimeProvider clock, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            return ApiDefaults.FieldProblem("Content-Type", "Send the file as text/csv.", StatusCodes.Status415UnsupportedMediaType);
        }
        if (type.Charset.HasValue && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return ApiDefaults.FieldProblem("Content-Type", "The file must be UTF-8.", StatusCodes.Status415UnsupportedMediaType);
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }
        if (request.ContentLength > MaxBodyBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The file is too large.",
                detail: $"At most {MaxBodyBytes / (1024 * 1024)} MB and {CsvRows.MaxRows:N0} rows.");
        }

        var parsed = await CsvRows.ParseAsync(request.Body, kind, ct);
        if (parsed.TooManyRows)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The file has too many rows.",
                detail: $"At most {CsvRows.MaxRows:N0} rows (the header aside); split the file.");
        }
        if (parsed.HeaderErrors is { } headerErrors)
        {
            return ApiDefaults.FieldProblems(headerErrors.ToDictionary(), StatusCodes.Status422UnprocessableEntity,
                "The header row names unknown or repeated columns.");
        }
        var importId = Guid.CreateVersion7();
        await store.CreateAsync(user.TenantId(), importId, kind, user.Actor(), parsed, clock.GetUtcNow(), ct);
        signal.Raise();
        return TypedResults.Accepted($"/api/imports/{importId}", new ImportAccepted(importId));
    }

    private static async Task<Results<Ok<ImportStatus>, ProblemHttpResult>> ReadAsync(Guid importId, ClaimsPrincipal user,
        ImportStore store, CancellationToken ct) =>
        await store.FindAsync(user.TenantId(), importId, ct) is { } status
            ? TypedResults.Ok(status)
            : ApiDefaults.NotFoundProblem("Import");
}

public static class ImportsModule
{
    /// <summary>CSV imports: the store, the worker that sends them, the routes (<see cref="ImportsApi.MapImports"/>).</summary>
    public static IHostApplicationBuilder AddImports(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(EventStore.ConnectionName)
                               ?? throw new InvalidOperationException($"ConnectionStrings:{EventStore.ConnectionName} is not configured.");
        builder.Services.Configure<ImportOptions>(builder.Configuration.GetSection(ImportOptions.Section));
        builder.Services.AddSingleton(_ => new ImportStore(Npgsql.NpgsqlDataSource.Create(connectionString)));
        builder.Services.AddSingleton<ImportSignal>();
        builder.Services.AddHandWrittenTables($"{Extensions.Schema}.imports", ImportStore.Ddl);
        builder.Services.AddHostedService<ImportWorker>();
        return builder;
    }
}
