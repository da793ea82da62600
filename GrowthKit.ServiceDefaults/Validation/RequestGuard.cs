using System.Buffers;
using System.Text;
using System.Text.Json;
using GrowthKit.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GrowthKit.ServiceDefaults.Validation;

public sealed class RequestGuardOptions
{
    /// <summary>Requests the guard leaves alone (the gateway's proxied routes: the services behind check them).</summary>
    public Func<HttpContext, bool> Skip { get; set; } = _ => false;
}

/// <summary>
/// Reads every JSON body once before an endpoint does and refuses, as a 400 naming the member,
/// what would otherwise fail far from the request: text PostgreSQL cannot store (U+0000, an
/// unpaired surrogate written as an escape) and numbers no double can hold (<c>1e999999</c>) or
/// written with absurd length. Everything else — malformed JSON included — is left to the endpoint.
/// </summary>
public sealed class RequestGuard(RequestDelegate next, IOptions<RequestGuardOptions> options)
{
    private static readonly string EmptyId = Guid.Empty.ToString();

    public async Task InvokeAsync(HttpContext context)
    {
        // No stream or document has the empty id (Marten refuses it outright): such an id is simply not found.
        if (!options.Value.Skip(context) && context.Request.RouteValues.Any(v => v.Value is string text && text == EmptyId))
        {
            await ApiDefaults.NotFoundProblem("Resource", "No resource has the empty id.").ExecuteAsync(context);
            return;
        }
        if (!HasJsonBody(context.Request) || options.Value.Skip(context))
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering();
        var body = await ReadAsync(context.Request, context.RequestAborted);
        context.Request.Body.Position = 0;

        if (body is not null && Find(body.Value) is { } problem)
        {
            await ApiDefaults.FieldProblem(problem.Path, problem.Message).ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static bool HasJsonBody(HttpRequest request) =>
        request.ContentLength != 0
        && request.ContentType is { } type
        && (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Contains("+json", StringComparison.OrdinalIgnoreCase));

    // Null when the body is over the server's limit: the endpoint's own read answers 413.
    private static async Task<ReadOnlySequence<byte>?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            return new ReadOnlySequence<byte>(buffer.ToArray());
        }
        catch (BadHttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The first member PostgreSQL or a double could not hold, or null.</summary>
    public static (string Path, string Message)? Find(ReadOnlySequence<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip });
        var path = new JsonPath();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        path.Enter(reader.TokenType == JsonTokenType.StartArray);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.Leave();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = Text(ref reader);
                        if (name is null || !StorableText.IsStorable(name))
                            return (path.WithName("?").Current, $"A member name {StorableText.Message}.");
                        path.Name(name);
                        break;
                    case JsonTokenType.String:
                        path.Value();
                        var text = Text(ref reader);
                        if (text is null || !StorableText.IsStorable(text))
                            return (path.Current, $"Text {StorableText.Message}.");
                        break;
                    case JsonTokenType.Number:
                        path.Value();
                        if (reader.ValueSpan.Length > Limits.NumberLiteralLength
                            || !reader.TryGetDouble(out var number) || !double.IsFinite(number))
                            return (path.Current, "Numbers must be finite and at most 40 characters long (such as 1.5e12).");
                        break;
                    default:
                        path.Value();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON is the endpoint's to report, with its usual message.
        }
        return null;
    }

    private static string? Text(ref Utf8JsonReader reader)
    {
        try { return reader.GetString(); }
        catch (InvalidOperationException) { return null; }
    }

    /// <summary>The JSON path of the current token, as errors name fields (<c>leads[3].company.name</c>).</summary>
    private sealed class JsonPath
    {
        private readonly List<(bool IsArray, int Index, string? Name)> frames = [];

        public void Enter(bool isArray)
        {
            Value();
            frames.Add((isArray, -1, null));
        }

        public void Leave()
        {
            if (frames.Count > 0) frames.RemoveAt(frames.Count - 1);
        }

        public void Name(string name)
        {
            if (frames.Count > 0) frames[^1] = (false, -1, name);
        }

        public JsonPath WithName(string name)
        {
            Name(name);
            return this;
        }

        // An array entry starts: the index moves on.
        public void Value()
        {
            if (frames.Count > 0 && frames[^1].IsArray) frames[^1] = (true, frames[^1].Index + 1, null);
        }

        public string Current
        {
            get
            {
                var text = new StringBuilder();
                // The innermost frame names the token itself; outer frames name where it sits.
                foreach (var (isArray, index, name) in frames)
                {
                    if (isArray && index >= 0) text.Append('[').Append(index).Append(']');
                    else if (!isArray && name is not null) text.Append(text.Length == 0 ? "" : ".").Append(name);
                }
                return text.Length == 0 ? "body" : text.ToString();
            }
        }
    }
}
