using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace GrowthKit.Bench;

/// <summary>A step of the benchmark failed; the message says which and why, for the report.</summary>
public sealed class BenchFailure(string step, string message) : Exception($"[{step}] {message}")
{
    public string Step { get; } = step;
    public string Detail { get; } = message;
}

/// <summary>An answer of the gateway, read whole: status, JSON body (when there is one), ETag, arrival time.</summary>
public sealed record Answer(HttpStatusCode Status, JsonNode? Body, string Text, string? ETag, DateTimeOffset ReceivedAt);

/// <summary>
/// Speaks to the gateway with one tenant's key (or the admin key). 429 and 502–504 are retried,
/// honouring <c>Retry-After</c>; anything else unexpected becomes a <see cref="BenchFailure"/> that
/// names the step, the request and the answer — the other services may still be mid-change.
/// </summary>
public sealed class Gateway(HttpClient http)
{
    private const int MaxRetries = 20;

    public int Retries => _retries;
    private int _retries;

    public async Task<Answer> SendAsync(string step, HttpMethod method, string path, byte[]? json = null,
        string? ifMatch = null, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : Json(json) };
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, ct);
            }
            catch (HttpRequestException e) when (attempt < 3)
            {
                Console.Error.WriteLine($"  [{step}] {method} {path}: {e.Message}; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                continue;
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                var received = DateTimeOffset.UtcNow;
                var status = response.StatusCode;
                if (attempt < MaxRetries && status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
                        or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
                {
                    Interlocked.Increment(ref _retries);
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250 * (attempt + 1));
                    await Task.Delay(wait > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : wait, ct);
                    continue;
                }
                return new Answer(status, Parse(text), text, response.Headers.ETag?.Tag, received);
            }
        }
    }

    public Task<Answer> GetAsync(string step, string path, CancellationToken ct = default) =>
        SendAsync(step, HttpMethod.Get, path, ct: ct);

    public Task<Answer> PostJsonAsync(string step, string path, JsonNode body, string? ifMatch = null, CancellationToken ct = default) =>
        SendAsync(step, HttpMethod.Post, path, System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()), ifMatch, ct);

    public Task<Answer> PutJsonAsync(string step, string path, JsonNode body, string? ifMatch = null, CancellationToken ct = default) =>
        SendAsync(step, HttpMethod.Put, path, System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()), ifMatch, ct);

    public static HttpContent Json(byte[] utf8)
    {
        var content = new ByteArrayContent(utf8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Throws a <see cref="BenchFailure"/> unless the status is one of <paramref name="expected"/>.</summary>
    public static Answer Expect(Answer answer, string step, string request, params HttpStatusCode[] expected)
    {
        if (expected.Contains(answer.Status)) return answer;
        var hint = answer.Status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
            ? " — the route may not exist (yet) in the service behind the gateway"
            : "";
        throw new BenchFailure(step,
            $"{request} answered {(int)answer.Status} {answer.Status}{hint}: {Shorten(answer.Text)}");
    }

    public static string Shorten(string text, int max = 400) =>
        text.Length <= max ? text : text[..max] + $"… ({text.Length} chars)";

    private static JsonNode? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return null; }
    }
}
