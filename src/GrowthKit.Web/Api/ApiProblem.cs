using System.Net;
using System.Text.Json;

namespace GrowthKit.Web.Api;

/// <summary>
/// An answer other than success, made readable: the RFC 7807 title and detail, each field's
/// messages, and a sentence for the statuses people meet (401, 404, 412, 429, 5xx).
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors,
    TimeSpan? RetryAfter = null)
{
    public string Message => Status switch
    {
        0 => Title,
        401 => "Your API key was not accepted. Sign out and sign in again with a valid key.",
        404 => $"{Sentence(Title)} It may not exist, or it belongs to another tenant.",
        412 => "Someone changed this ICP after you opened it. Reload to see the latest draft, then make your change again.",
        428 => "The change must name the revision it was made on. Reload and try again.",
        429 => $"Too many requests for your tenant. Try again in {RetryAfter?.TotalSeconds ?? 1:0} s.",
        503 when Detail is null => $"{Sentence(Title)} The service did not answer in time; try again shortly.",
        >= 500 => $"The service is not available right now ({Status}). {Sentence(Title)}",
        _ => Detail is { Length: > 0 } ? $"{Sentence(Title)} {Detail}" : Title,
    };

    /// <summary>A bare reason phrase ("Not Found") becomes a sentence.</summary>
    private static string Sentence(string text) =>
        text.Length > 0 && !".!?".Contains(text[^1]) ? text + "." : text;

    /// <summary>The messages for one field, also under its nested names (<c>definition.criteria[0].weight</c>).</summary>
    public IEnumerable<string> For(string field) =>
        Errors.Where(e => e.Key.Equals(field, StringComparison.OrdinalIgnoreCase)
                          || e.Key.EndsWith("." + field, StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => e.Value);

    public static ApiProblem Unreachable(string what) => new(0, $"Could not reach GrowthKit: {what}", null, Empty);

    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter?.Delta;
        var fallback = response.ReasonPhrase ?? ((HttpStatusCode)status).ToString();
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (text.Length > 0 && JsonDocument.Parse(text).RootElement is { ValueKind: JsonValueKind.Object } root)
            {
                var title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : fallback;
                var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
                if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in e.EnumerateObject())
                    {
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                            ? [.. field.Value.EnumerateArray().Select(m => m.ToString())]
                            : [field.Value.ToString()];
                    }
                }
                return new ApiProblem(status, title, detail, errors, retryAfter);
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's HTML page, say): the status speaks for itself.
        }
        return new ApiProblem(status, fallback, null, Empty, retryAfter);
    }

    private static readonly IReadOnlyDictionary<string, string[]> Empty = new Dictionary<string, string[]>();
}

/// <summary>A call's outcome: the value (and ETag) or the problem.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem, string? ETag = null)
{
    public bool Ok => Problem is null;
}
