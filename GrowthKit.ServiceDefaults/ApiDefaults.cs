using System.Text.Json;
using FluentValidation.Results;
using GrowthKit.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrowthKit.ServiceDefaults;

public static class ApiDefaults
{
    /// <summary>Problem details for every error, OpenAPI, and 400s (not 500s) for unreadable bodies.</summary>
    public static IHostApplicationBuilder AddGrowthKitApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures throw, so the handler can name the offending field instead of a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            // Absent optional parts stay absent; the few nulls the contract shows are marked Never.
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            // Where the contract says number, "12" is a wrong type (the web defaults would read it).
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        // The document states the bounds the validators enforce (OpenApi/*): consumers and the lint read them.
        builder.Services.AddOpenApi(o => o
            .AddSchemaTransformer<OpenApi.ValidationRulesSchemaTransformer>()
            .AddOperationTransformer<OpenApi.ParameterBoundsTransformer>());
        builder.Services.AddOptions<Validation.RequestGuardOptions>();
        return builder;
    }

    /// <param name="beforeAuthorization">Middleware that must see every request, refused ones included (the gateway's rate limit).</param>
    public static WebApplication UseGrowthKitApi(this WebApplication app, Action<WebApplication>? beforeAuthorization = null)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        beforeAuthorization?.Invoke(app);
        app.UseAuthorization();
        app.UseMiddleware<Validation.RequestGuard>();
        app.MapOpenApi().AllowAnonymous();
        return app;
    }

    // One idiom for field errors (issue 17): every problem with an `errors` map naming the offending
    // fields is built here: 400 malformed, 422 breaks a rule, and the few other statuses that name a
    // field (404 unknown lead of a deal, 409 workshop conflicts, 415 media type). FieldProblemIdiomTests
    // fails on an HttpValidationProblemDetails or ValidationProblem built anywhere else.

    /// <summary>A FluentValidation verdict as a field problem.</summary>
    public static ProblemHttpResult ValidationProblem(this ValidationResult result, int statusCode) =>
        FieldProblems(result.ToDictionary(), statusCode);

    /// <summary>The ICP definition validator's verdict: 400 when incomplete, 422 when it breaks a rule.</summary>
    /// <param name="fieldPrefix">Where the definition sits in the request (<c>definition</c>), or empty at the root.</param>
    public static ProblemHttpResult DefinitionProblem(this IcpDefinitionValidationResult result, string fieldPrefix = "")
    {
        var malformed = result.Validity == DefinitionValidity.Malformed;
        return FieldProblems(
            result.Errors.ToDictionary(e => fieldPrefix.Length == 0 ? e.Key : $"{fieldPrefix}.{e.Key}", e => e.Value),
            malformed ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity,
            malformed ? "The definition is incomplete." : "The definition breaks a rule.");
    }

    /// <summary>An RFC 7807 problem whose <c>errors</c> map names each offending field.</summary>
    public static ProblemHttpResult FieldProblems(IDictionary<string, string[]> errors,
        int statusCode = StatusCodes.Status400BadRequest, string? title = null, string? detail = null) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = statusCode,
            Title = title ?? (statusCode == StatusCodes.Status422UnprocessableEntity
                ? "The request breaks a rule."
                : "The request is invalid."),
            Detail = detail,
        });

    public static ProblemHttpResult FieldProblem(string field, string message,
        int statusCode = StatusCodes.Status400BadRequest) =>
        FieldProblems(new Dictionary<string, string[]> { [field] = [message] }, statusCode);

    public static ProblemHttpResult NotFoundProblem(string what, string? detail = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} not found.", detail: detail);

    /// <summary>Maps <see cref="BadHttpRequestException"/> (unreadable JSON, oversize body) to a problem.</summary>
    private sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
        {
            if (exception is not BadHttpRequestException bad) return false;

            var errors = new Dictionary<string, string[]>();
            if (bad.InnerException is JsonException json)
            {
                errors[JsonPathToField(json.Path)] = [json.Message];
            }
            else
            {
                errors["body"] = [bad.Message];
            }

            context.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = new HttpValidationProblemDetails(errors)
                {
                    Status = bad.StatusCode,
                    Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                        ? "The request body is too large."
                        : "The request body could not be read.",
                },
            });
        }

        /// <summary><c>$.criteria[0].weight</c> → <c>criteria[0].weight</c>; the root is <c>body</c>.</summary>
        private static string JsonPathToField(string? path) =>
            string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$').TrimStart('.');
    }
}
