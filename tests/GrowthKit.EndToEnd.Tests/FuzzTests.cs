using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// Every operation of every service's OpenAPI document (and the gateway's own), called through the
/// gateway with malformed, oversized, wrong-typed and hostile bodies, query strings and ids: nothing
/// may answer 5xx. The operations are read from the documents, so a new route is fuzzed without a
/// change here.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class FuzzTests(GrowthKitApp system, ITestOutputHelper output)
{
    private static readonly string[] Documents = ["icp", "leads", "scoring", "refinement", "integrations"];

    private static readonly string[] HostileIds =
    [
        Guid.NewGuid().ToString(), Guid.Empty.ToString(), "not-a-guid", new string('9', 3000), "%00", "%2e%2e%2f%2e%2e",
        "-1", "0", "1e999999", "%F0%9F%92%A9", "null", "%ED%A0%80",
    ];

    private static readonly string[] HostileQueryValues =
    [
        "", "-1", "0", "99999999999999999999999", "abc", "%00", new string('x', 3000), "1e999", "%ED%A0%80", "true",
        "2026-13-45T99:99:99Z",
    ];

    private static readonly string[] HostileStrings = ["a\\u0000b", "\\ud800", "\\udfff x", new string('s', 100_000), "", " "];

    private static readonly string[] HostileScalars =
        ["1e999999", "-1e999999", "123456789012345678901234567890123456789012345678901234567890", "-0", "1.5", "true", "null", "[]", "{}"];

    [Fact]
    public async Task No_operation_answers_5xx_to_hostile_input()
    {
        var operations = new List<(string Method, string Path, JsonObject Operation, JsonObject Document, bool Admin)>();
        using var anonymous = system.App.CreateHttpClient("gateway", "http");
        foreach (var name in Documents)
        {
            var document = JsonNode.Parse(await anonymous.GetStringAsync($"/openapi/{name}.json"))!.AsObject();
            operations.AddRange(Operations(document, admin: false));
        }
        var gatewayDocument = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!.AsObject();
        operations.AddRange(Operations(gatewayDocument, admin: true).Where(o => o.Path.StartsWith("/admin", StringComparison.Ordinal)));
        Assert.True(operations.Count >= 30, $"only {operations.Count} operations found in the documents");

        var failures = new List<string>();
        var sent = 0;
        Tenant? tenant = null;
        using var admin = system.AdminClient();
        foreach (var (method, path, operation, document, isAdmin) in operations)
        {
            foreach (var request in Requests(method, path, operation, document))
            {
                // A fresh tenant now and then keeps the fuzzing under the per-tenant rate limit.
                if (!isAdmin && (tenant is null || sent % 150 == 0)) tenant = await system.CreateTenantAsync();
                var client = isAdmin ? admin : tenant!.Api;
                sent++;
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request.Build());
                }
                catch (TaskCanceledException)
                {
                    failures.Add($"{method} {request.Describe}: no answer within the client's timeout");
                    continue;
                }
                catch (HttpRequestException e) when (request.Body is { Length: > 1024 * 1024 } && e.InnerException is IOException)
                {
                    // The gateway answers 413 to a body over its limit and closes the connection while it is still being sent.
                    continue;
                }
                using (response)
                {
                    if ((int)response.StatusCode >= 500)
                    {
                        var body = await response.Content.ReadAsStringAsync();
                        failures.Add($"{method} {request.Describe} → {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
                    }
                }
            }
        }

        output.WriteLine($"{sent} hostile requests to {operations.Count} operations; {failures.Count} answered 5xx.");
        Assert.True(sent > 1000, $"only {sent} requests were made");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    private static IEnumerable<(string Method, string Path, JsonObject Operation, JsonObject Document, bool Admin)> Operations(
        JsonObject document, bool admin)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (method is "parameters" or "summary" or "description") continue;
                yield return (method.ToUpperInvariant(), path, operation!.AsObject(), document, admin);
            }
        }
    }

    private sealed record FuzzRequest(string Method, string Path, string? Query, string? Body, string ContentType)
    {
        public string Describe => $"{Path}{Query}{(Body is null ? "" : $" body: {Body[..Math.Min(Body.Length, 80)]}")}";

        public HttpRequestMessage Build()
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), Path + Query);
            if (Body is not null) request.Content = new StringContent(Body, Encoding.UTF8, ContentType);
            // Writes with If-Match get a plausible and a hostile one in turn.
            if (Method is "PUT" or "POST" && Path.Length % 2 == 0) request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            if (Method is "POST" && Path.Length % 3 == 0) request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 500));
            return request;
        }
    }

    private static IEnumerable<FuzzRequest> Requests(string method, string template, JsonObject operation, JsonObject document)
    {
        var parameters = (operation["parameters"]?.AsArray() ?? []).Select(p => Resolve(p!.AsObject(), document)).ToList();
        var pathParameters = parameters.Where(p => p["in"]?.GetValue<string>() == "path").Select(p => p["name"]!.GetValue<string>()).ToList();
        var queryParameters = parameters.Where(p => p["in"]?.GetValue<string>() == "query").Select(p => p["name"]!.GetValue<string>()).ToList();
        string Path(string id) => pathParameters.Aggregate(template, (path, name) => path.Replace("{" + name + "}", id));
        var validPath = Path(Guid.NewGuid().ToString());
        var hasBody = operation["requestBody"] is not null || method is "POST" or "PUT" or "PATCH";

        foreach (var id in pathParameters.Count > 0 ? HostileIds : [])
            yield return new FuzzRequest(method, Path(id), null, hasBody ? "{}" : null, "application/json");

        foreach (var name in queryParameters)
        {
            foreach (var value in HostileQueryValues)
                yield return new FuzzRequest(method, validPath, $"?{Uri.EscapeDataString(name)}={value}", hasBody ? "{}" : null, "application/json");
        }
        yield return new FuzzRequest(method, validPath, "?" + string.Join("&", Enumerable.Range(0, 300).Select(i => $"p{i}=%00")), null, "application/json");

        if (!hasBody) yield break;
        foreach (var body in HostileBodies(operation, document))
            yield return new FuzzRequest(method, validPath, null, body, "application/json");
        yield return new FuzzRequest(method, validPath, null, "name=x&a=%00", "application/x-www-form-urlencoded");
        yield return new FuzzRequest(method, validPath, null, "<xml/>", "text/xml");
    }

    private static IEnumerable<string> HostileBodies(JsonObject operation, JsonObject document)
    {
        yield return "";
        yield return "{";
        yield return "null";
        yield return "[]";
        yield return "[{}, {}]";
        yield return "123";
        yield return "\"text\"";
        yield return "{\"a\":\"\\u0000\"}";
        yield return string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000));
        yield return string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + string.Concat(Enumerable.Repeat("}", 200));
        yield return "{\"x\": \"" + new string('x', 2_000_000) + "\"}";
        yield return "{\"a\": 1e999999, \"b\": -1e999999}";

        // Every property of the request schema, one at a time, with every hostile kind of value.
        var schema = operation["requestBody"]?["content"]?["application/json"]?["schema"] is JsonObject s ? Resolve(s, document) : null;
        var properties = schema?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];
        foreach (var property in properties)
        {
            foreach (var text in HostileStrings) yield return $"{{\"{property}\": \"{text}\"}}";
            foreach (var scalar in HostileScalars) yield return $"{{\"{property}\": {scalar}}}";
            yield return $"{{\"{property}\": [{string.Join(",", Enumerable.Range(0, 5000).Select(i => i))}]}}";
            yield return $"{{\"{property}\": {{\"{property}\": [\"\\u0000\", 1e999]}}}}";
        }
    }

    private static JsonObject Resolve(JsonObject node, JsonObject document)
    {
        for (var hops = 0; hops < 10 && node["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/", StringComparison.Ordinal); hops++)
        {
            JsonNode? target = document;
            foreach (var part in reference[2..].Split('/')) target = target?[part];
            if (target is not JsonObject resolved) break;
            node = resolved;
        }
        return node;
    }
}
