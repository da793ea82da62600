using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GrowthKit.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Leads.Receiving;

/// <summary>
/// The first answer to a request carrying an <c>Idempotency-Key</c>, stored in the transaction that
/// recorded its leads, so that a retry gets exactly that answer and records nothing.
/// </summary>
/// <param name="Id">The tenant and the key: the same key of two tenants are two answers.</param>
/// <param name="Fingerprint">SHA-256 of the method, path and body bytes: a retry sends the same request.</param>
public sealed record IdempotentAnswer(string Id, string Key, string Fingerprint, int StatusCode, string Body,
    string? Location, DateTimeOffset CreatedAt);

public static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public const string Description =
        "With an Idempotency-Key header the first answer is kept for 24 hours: a retry with the same key and body "
        + "gets exactly that answer and records nothing; the same key with another body is a 422. Requests refused "
        + "as a whole (400, 413) keep no answer, so a corrected request may reuse the key.";

    /// <summary>The request's key, null when it has none; a problem when the header is malformed.</summary>
    public static ProblemHttpResult? TryReadKey(HttpRequest request, out string? key)
    {
        key = null;
        var values = request.Headers[HeaderName];
        if (values.Count == 0) return null;
        if (values.Count > 1)
            return ApiDefaults.FieldProblem(HeaderName, $"Send one {HeaderName}.");
        var value = values[0]?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > MaxKeyLength || value.Any(c => c is < ' ' or > '~'))
            return ApiDefaults.FieldProblem(HeaderName,
                $"An {HeaderName} is 1 to {MaxKeyLength} printable ASCII characters, such as a UUID.");
        key = value;
        return null;
    }

    public static string DocumentId(Guid tenant, string key) => $"{tenant:N}/{key}";

    public static string Fingerprint(HttpRequest request, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n"));
        hash.AppendData(body);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static bool IsLive(IdempotentAnswer answer, DateTimeOffset now) => answer.CreatedAt > now - Lifetime;

    /// <summary>The stored answer for a retry, or a 422 when the key came with another request.</summary>
    public static Results<StoredAnswer, ProblemHttpResult> Replay(IdempotentAnswer stored, string fingerprint) =>
        stored.Fingerprint == fingerprint
            ? new StoredAnswer(stored.StatusCode, stored.Body, stored.Location, Replayed: true)
            : ApiDefaults.FieldProblem(HeaderName,
                $"This {HeaderName} was first used {stored.CreatedAt:u} with another request; use a new key for a new request.",
                StatusCodes.Status422UnprocessableEntity);
}

/// <summary>
/// An answer written exactly as it is stored: a JSON body, a status and perhaps a Location. The body
/// is serialised once, so the first answer and every replay are the same bytes.
/// </summary>
public sealed record StoredAnswer(int StatusCode, string Body, string? Location, bool Replayed = false)
    : IResult, IStatusCodeHttpResult
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public static StoredAnswer Json<T>(int statusCode, T body, string? location = null) =>
        new(statusCode, JsonSerializer.Serialize(body, Options), location);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        if (Location is not null) response.Headers.Location = Location;
        if (Replayed) response.Headers[Idempotency.ReplayedHeaderName] = "true";
        await response.WriteAsync(Body, Encoding.UTF8, httpContext.RequestAborted);
    }
}
