using System.Text.Json.Nodes;
using GrowthKit.Gateway.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GrowthKit.Gateway.Docs;

/// <summary>
/// The one public document at <c>/openapi/v1.json</c>: the gateway's own (admin) operations plus every
/// public operation of every service, merged here at run time from the services' documents
/// (<see cref="ServiceDocuments"/>), so each service stays the only author of its routes and schemas.
/// Then every operation gets what the gateway adds in front of the services: the bearer scheme (a
/// tenant key for <c>/api</c>, the admin key for <c>/admin</c>) with the scopes that reach it
/// (<see cref="ApiScopes"/>, the table the gateway enforces), and the errors the gateway itself
/// answers (401, 403, 404, 413, 429 with <c>Retry-After</c>, 503), all as RFC 7807 problems.
/// </summary>
internal sealed class PublicApiDocument(ServiceDocuments services, ILogger<PublicApiDocument> logger) : IOpenApiDocumentTransformer
{
    public const string TenantScheme = "apiKey";
    public const string AdminScheme = "adminKey";
    public const string ProblemSchema = "ProblemDetails";
    public const string ValidationProblemSchema = "HttpValidationProblemDetails";
    public const string RetryAfterHeader = "Retry-After";
    public const string ScopesExtension = "x-required-scopes";
    private const string ProblemJson = "application/problem+json";

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "GrowthKit API";
        document.Info.Description =
            "The whole public API behind the gateway: the tenant API (`/api/**`, a tenant's API key) and the admin API "
            + "(`/admin/**`, the platform's admin key). Send the key as `Authorization: Bearer <key>`. Each operation lists the "
            + "API-key scopes that reach it (any one suffices) in its security requirement and in `x-required-scopes`; a key "
            + "issued without scopes has them all. Errors are RFC 7807 problems (`application/problem+json`).";
        // Relative to where the document was fetched: the same gateway, whatever its public address.
        document.Servers =
        [
            new OpenApiServer
            {
                Url = "/",
                Description = "The gateway that served this document (production, staging or local).",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(false)) },
            },
        ];
        document.Paths ??= [];
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Tags ??= new HashSet<OpenApiTag>();

        foreach (var (service, json) in await services.GetAllAsync(cancellationToken))
        {
            Merge(document, service, json);
        }

        AddSecuritySchemes(document);
        AddProblemSchemas(document);
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                Describe(document, path, method, operation);
            }
        }
    }

    private void Merge(OpenApiDocument document, string service, string json)
    {
        var read = OpenApiDocument.Parse(json, "json");
        var source = read.Document ?? throw new InvalidOperationException($"The {service} service's OpenAPI document could not be read.");

        foreach (var (name, schema) in source.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (!document.Components!.Schemas!.TryGetValue(name, out var existing))
            {
                document.Components.Schemas[name] = schema;
            }
            else if (Json(existing) != Json(schema))
            {
                // Services share their model types (GrowthKit.Model), so one name is one shape; say so if not.
                logger.LogWarning("Schema {Schema} of the {Service} service differs from one already merged; the first is kept.", name, service);
            }
        }
        foreach (var tag in source.Tags ?? new HashSet<OpenApiTag>())
        {
            if (document.Tags!.All(t => t.Name != tag.Name)) document.Tags!.Add(tag);
        }
        foreach (var (path, item) in source.Paths)
        {
            // Only what the gateway exposes: the tenant API and the anonymous well-known documents.
            if (!path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith("/.well-known/", StringComparison.Ordinal)) continue;
            if (!document.Paths.TryGetValue(path, out var target))
            {
                document.Paths[path] = item;
                continue;
            }
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (target is OpenApiPathItem merged)
                {
                    merged.Operations ??= [];
                    merged.Operations[method] = operation;
                }
            }
        }
    }

    private static string Json(IOpenApiSchema schema)
    {
        using var text = new StringWriter();
        schema.SerializeAsV31(new OpenApiJsonWriter(text));
        return text.ToString();
    }

    private static void AddSecuritySchemes(OpenApiDocument document)
    {
        document.Components!.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[TenantScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A tenant's API key (`Authorization: Bearer <key>`), issued by the admin API with optional scopes "
                          + $"({string.Join(", ", ApiScopes.Known)}) and an optional expiry. The key is opaque: it is not a JWT.",
        };
        document.Components.SecuritySchemes[AdminScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The platform's admin key (`Authorization: Bearer <key>`); it reaches `/admin/**` only.",
        };
        document.Security = null;
    }

    private static void AddProblemSchemas(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        if (!schemas.ContainsKey(ProblemSchema))
        {
            schemas[ProblemSchema] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "An RFC 7807 problem.",
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
                    ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                },
            };
        }
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        document.Components.Headers[RetryAfterHeader] = new OpenApiHeader
        {
            Description = "Seconds to wait before sending the request again.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Maximum = "2678400" },
        };
    }

    private static void Describe(OpenApiDocument document, string path, HttpMethod method, OpenApiOperation operation)
    {
        operation.Responses ??= [];
        var hasBody = operation.RequestBody is not null;
        var hasPathParameters = path.Contains('{');
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            var scopes = ApiScopes.Accepting(method.Method, SamplePath(path));
            operation.Security = scopes is { Count: > 0 }
                ? [.. scopes.Select(scope => Requirement(document, TenantScheme, [scope]))]
                : [Requirement(document, TenantScheme, [])];
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions[ScopesExtension] = new JsonNodeExtension(new JsonArray([.. (scopes ?? []).Select(s => (JsonNode)s)]));
            Problem(document, operation, "401", "No API key, or one that is unknown, revoked or expired.");
            Problem(document, operation, "403", scopes is { Count: > 0 }
                ? $"The API key lacks the scope this operation needs ({string.Join(" or ", scopes)}); the problem names it."
                : "The API key has scopes, and this operation needs a key without them.");
        }
        else if (path.StartsWith("/admin/", StringComparison.Ordinal))
        {
            operation.Security = [Requirement(document, AdminScheme, [])];
            Problem(document, operation, "401", "No admin key, or a wrong one.");
        }
        else
        {
            operation.Security = []; // Anonymous: public documents such as the audit key.
        }

        if (hasPathParameters) Problem(document, operation, "404", "No such resource for this tenant (a resource of another tenant is also 404).");
        if (hasBody)
        {
            Problem(document, operation, "400", "Malformed JSON, a missing required field or a wrong type; `errors` names each field.", validation: true);
            Problem(document, operation, "413", "The body is over the size limit.");
        }
        else if (operation.Parameters is { Count: > 0 })
        {
            Problem(document, operation, "400", "A parameter is malformed; `errors` names it.", validation: true);
        }
        Problem(document, operation, "4XX", "Any other client error, as a problem.");
        Problem(document, operation, "429", "Too many requests (or, for lead and deal writes, over the monthly quota); wait `Retry-After` seconds.", retryAfter: true);
        Problem(document, operation, "500", "An unexpected error; nothing is left half-done.");
        Problem(document, operation, "503", "A store or service behind the gateway is unavailable; nothing was stored. Retry after `Retry-After` seconds.", retryAfter: true);

        // Every error the services declared is a problem too, with its schema.
        foreach (var (status, response) in operation.Responses.ToList())
        {
            if (IsError(status) && response is OpenApiResponse concrete)
            {
                concrete.Content ??= new Dictionary<string, OpenApiMediaType>();
                if (!concrete.Content.ContainsKey(ProblemJson))
                {
                    concrete.Content.Clear();
                    concrete.Content[ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(SchemaFor(status), document) };
                }
            }
        }
    }

    private static string SchemaFor(string status) => status is "400" or "422" ? ValidationProblemSchema : ProblemSchema;

    private static bool IsError(string status) => status.Length == 3 && status[0] is '4' or '5';

    private static void Problem(OpenApiDocument document, OpenApiOperation operation, string status, string description,
        bool validation = false, bool retryAfter = false)
    {
        if (!operation.Responses!.TryGetValue(status, out var existing))
        {
            existing = new OpenApiResponse { Description = description };
            operation.Responses[status] = existing;
        }
        if (existing is not OpenApiResponse response) return;
        if (string.IsNullOrEmpty(response.Description) || response.Description is "Bad Request" or "Not Found" or "Unauthorized"
            or "Forbidden" or "Conflict" or "Payload Too Large" or "Too Many Requests" or "Unprocessable Entity")
        {
            response.Description = description;
        }
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        response.Content.Clear();
        response.Content[ProblemJson] = new OpenApiMediaType
        {
            Schema = new OpenApiSchemaReference(validation ? ValidationProblemSchema : SchemaFor(status), document),
        };
        if (retryAfter)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[RetryAfterHeader] = new OpenApiHeaderReference(RetryAfterHeader, document);
        }
    }

    private static OpenApiSecurityRequirement Requirement(OpenApiDocument document, string scheme, List<string> scopes) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = scopes };

    /// <summary><c>/api/icps/{icpId}/history</c> → a concrete path the scope table can match.</summary>
    private static string SamplePath(string template) =>
        System.Text.RegularExpressions.Regex.Replace(template, "{[^}]+}", "00000000-0000-0000-0000-000000000001");
}
