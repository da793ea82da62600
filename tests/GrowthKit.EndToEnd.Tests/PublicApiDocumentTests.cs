using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GrowthKit.Model;
using Xunit.Abstractions;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// The one public document at the gateway (<c>/openapi/v1.json</c>): every service and the admin API in
/// it, the bearer scheme with each operation's scopes, the validators' bounds in the schemas, every
/// error as a problem, no finding of Spectral's OWASP API Security ruleset (<c>.spectral.yaml</c>), and
/// <c>docs/api.md</c> naming exactly its routes.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed partial class PublicApiDocumentTests(GrowthKitApp system, ITestOutputHelper output)
{
    private const string SpectralCli = "@stoplight/spectral-cli@6.16.3";
    private const string OwaspRuleset = "@stoplight/spectral-owasp-ruleset@2.0.1";
    private static readonly TimeSpan LintTimeout = TimeSpan.FromMinutes(4);
    private static readonly string[] Scopes = ["leads:write", "leads:read", "icps:write", "icps:read", "integrations", "audit:read"];

    /// <summary>Routes docs/api.md names that the document leaves out on purpose: they are not API operations.</summary>
    private static readonly string[] OutsideTheDocument = ["GET /health", "GET /openapi/v1.json", "GET /openapi/{service}.json", "GET /docs"];

    [Fact]
    public async Task Holds_the_admin_api_and_every_services_public_routes_as_one_openapi_3_1_document()
    {
        var (doc, _) = await DocumentAsync();

        Assert.StartsWith("3.1", doc["openapi"]!.GetValue<string>());
        var paths = doc["paths"]!.AsObject();
        foreach (var (path, method) in new[]
                 {
                     ("/admin/tenants", "post"), ("/admin/tenants/{tenantId}/api-keys", "post"),
                     ("/api/icps", "post"), ("/api/icps/{icpId}/publish", "post"), ("/api/workshops", "post"),
                     ("/api/leads", "post"), ("/api/leads/batch", "post"), ("/api/leads", "get"), ("/api/leads/{leadId}", "get"),
                     ("/api/deals", "post"), ("/api/icps/{icpId}/gap-report", "get"), ("/api/audit/verify", "get"),
                 })
        {
            Assert.True(paths[path]?[method] is not null, $"{method.ToUpperInvariant()} {path} is missing.");
        }
        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/health", StringComparison.Ordinal) || p.Key.StartsWith("/openapi", StringComparison.Ordinal));
    }

    /// <summary>Set to 1 to rewrite docs/openapi.json from the served document (<c>eng/refresh-openapi.sh</c>).</summary>
    private const string RefreshVariable = "GROWTHKIT_REFRESH_OPENAPI";

    /// <summary>
    /// The web app generates its client from docs/openapi.json at build time, so the checked-in copy must be
    /// the served document: a contract change then shows up as a diff here and as a build error in the web app.
    /// </summary>
    [Fact]
    public async Task Docs_openapi_json_is_the_served_document()
    {
        var (doc, _) = await DocumentAsync();
        var served = Normalised(doc);
        var file = Path.Combine(RepositoryRoot(), "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable(RefreshVariable) == "1")
        {
            await File.WriteAllTextAsync(file, served);
            output.WriteLine($"Wrote {file} ({served.Length} characters).");
        }
        var checkedIn = File.Exists(file) ? await File.ReadAllTextAsync(file) : "";
        Assert.True(checkedIn == served,
            "docs/openapi.json differs from the document the gateway serves at /openapi/v1.json. If the change is meant, "
            + $"refresh it with eng/refresh-openapi.sh (or run this test with {RefreshVariable}=1), rebuild the web app "
            + "(src/GrowthKit.Web generates its client from the file) and commit both. The served document is in "
            + "TestResults/openapi-v1.json.");
    }

    /// <summary>The document with every object's properties in ordinal order, indented, one trailing newline: the same text whatever order the services were merged in.</summary>
    internal static string Normalised(JsonNode document) =>
        Sorted(document)!.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    [Fact]
    public async Task Docs_api_md_names_exactly_the_routes_of_the_document()
    {
        var (doc, _) = await DocumentAsync();
        var served = Operations(doc).Select(o => Route(o.Method, o.Path)).ToHashSet(StringComparer.Ordinal);
        var named = NamedRoutes(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "api.md")));

        Assert.All(OutsideTheDocument, route => Assert.DoesNotContain(route, served));
        var notServed = named.Except(OutsideTheDocument).Except(served).Order(StringComparer.Ordinal).ToList();
        var notNamed = served.Except(named).Order(StringComparer.Ordinal).ToList();
        Assert.True(notServed.Count == 0 && notNamed.Count == 0,
            $"docs/api.md names routes the document lacks: [{string.Join(", ", notServed)}]; "
            + $"the document has routes docs/api.md does not name: [{string.Join(", ", notNamed)}].");
    }

    [Fact]
    public async Task Every_operation_names_its_key_and_scopes_and_answers_every_error_as_a_problem()
    {
        var (doc, _) = await DocumentAsync();
        var schemes = doc["components"]!["securitySchemes"]!;
        Assert.Equal("bearer", schemes["apiKey"]!["scheme"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["adminKey"]!["scheme"]!.GetValue<string>());

        foreach (var (path, method, operation) in Operations(doc))
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            var responses = operation["responses"]!.AsObject();
            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                var requirements = operation["security"]!.AsArray().Select(r => r!.AsObject().Single()).ToList();
                Assert.All(requirements, r => Assert.Equal("apiKey", r.Key));
                var scopes = requirements.SelectMany(r => r.Value!.AsArray().Select(s => s!.GetValue<string>())).ToList();
                Assert.NotEmpty(scopes);
                Assert.All(scopes, s => Assert.Contains(s, Scopes));
                Assert.Equal(scopes, operation["x-required-scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
                Assert.True(responses.ContainsKey("401") && responses.ContainsKey("403"), $"{name}: 401 and 403 expected.");
            }
            else if (path.StartsWith("/admin/", StringComparison.Ordinal))
            {
                Assert.Equal("adminKey", operation["security"]!.AsArray().Single()!.AsObject().Single().Key);
                Assert.True(responses.ContainsKey("401"), $"{name}: 401 expected.");
            }
            if (path.Contains('{')) Assert.True(responses.ContainsKey("404"), $"{name}: 404 expected.");
            if (operation["requestBody"] is not null)
                Assert.True(responses.ContainsKey("400") && responses.ContainsKey("413"), $"{name}: 400 and 413 expected.");
            foreach (var status in new[] { "429", "503" })
            {
                Assert.True(responses[status]?["headers"]?["Retry-After"] is not null, $"{name}: {status} without Retry-After.");
            }
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                var schema = response!["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
                Assert.True(schema is "#/components/schemas/ProblemDetails" or "#/components/schemas/HttpValidationProblemDetails",
                    $"{name}: {status} is not a problem ({schema}).");
            }
        }

        // Where the API gives them: 409, 412, 422, 428.
        Assert.True(doc["paths"]!["/api/icps/{icpId}"]!["put"]!["responses"]!.AsObject() is var put
                    && put.ContainsKey("412") && put.ContainsKey("428") && put.ContainsKey("422"));
        Assert.NotNull(doc["paths"]!["/api/leads"]!["post"]!["responses"]!["409"]);
    }

    [Fact]
    public async Task The_schemas_carry_the_bounds_the_validators_enforce()
    {
        var (doc, _) = await DocumentAsync();
        var schemas = doc["components"]!["schemas"]!;
        JsonNode Property(string schema, string property) => schemas[schema]!["properties"]![property]!;
        decimal Number(JsonNode node, string bound) => decimal.Parse(node[bound]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(Limits.NameLength, Property("IcpDefinition", "name")["maxLength"]!.GetValue<int>());
        Assert.Equal(Limits.DescriptionLength, Property("IcpDefinition", "description")["maxLength"]!.GetValue<int>());
        Assert.Equal(Limits.CriteriaPerIcp, Property("IcpDefinition", "criteria")["maxItems"]!.GetValue<int>());
        Assert.Equal(Limits.PersonasPerIcp, Property("IcpDefinition", "personas")["maxItems"]!.GetValue<int>());
        Assert.Equal(Limits.KeyLength, Property("Criterion", "key")["maxLength"]!.GetValue<int>());
        Assert.Equal(Limits.ValuesPerCondition, Property("Criterion", "values")["maxItems"]!.GetValue<int>());
        Assert.Equal(-Limits.MaxWeight, Number(Property("Criterion", "weight"), "minimum"));
        Assert.Equal(Limits.MaxWeight, Number(Property("Criterion", "weight"), "maximum"));
        Assert.Equal(Operators.All.Order(StringComparer.Ordinal), Property("Criterion", "operator")["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(Limits.ReasonLength, Property("Disqualifier", "reason")["maxLength"]!.GetValue<int>());
        Assert.Equal(Limits.MaxTier, Number(Property("Tiers", "A"), "maximum"));
        Assert.Equal(Limits.LeadListItems, Property("Lead", "signals")["maxItems"]!.GetValue<int>());
        Assert.Equal(Limits.LeadTextLength, Property("Lead", "signals")["items"]!["maxLength"]!.GetValue<int>());
        Assert.Equal(Limits.LeadTextLength, Property("Company", "name")["maxLength"]!.GetValue<int>());
        Assert.Equal(Limits.MaxNumber, Number(Property("Company", "employeeCount"), "maximum"));
        Assert.Equal(0m, Number(Property("Company", "employeeCount"), "minimum"));
        // The batch bounds of API.md.
        Assert.Equal(1000, Property("LeadBatch", "leads")["maxItems"]!.GetValue<int>());
        Assert.Equal(Limits.GroupMembers, Property("TermGroup", "members")["maxItems"]!.GetValue<int>());
    }

    [Fact]
    public async Task Passes_the_OWASP_API_security_lint_with_no_error_and_no_warning()
    {
        var (_, file) = await DocumentAsync();
        var root = RepositoryRoot();
        // npx installs both packages itself (a clean machine needs nothing but node and npm); NODE_PATH
        // lets .spectral.yaml's "extends" find the ruleset npx installed. No npx: the test fails, it never skips.
        var lint = $"NODE_PATH=\"$(dirname \"$(dirname \"$(command -v spectral)\")\")\" " +
                   $"spectral lint '{file}' --ruleset '{Path.Combine(root, ".spectral.yaml")}' --format json --quiet --fail-severity error";
        var start = new ProcessStartInfo("npx")
        {
            ArgumentList = { "--yes", "-p", SpectralCli, "-p", OwaspRuleset, "-c", lint },
            WorkingDirectory = Path.GetDirectoryName(file)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NO_UPDATE_NOTIFIER"] = "1", ["npm_config_update_notifier"] = "false", ["npm_config_fund"] = "false" },
        };
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var cts = new CancellationTokenSource(LintTimeout))
        {
            try { await process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
        }
        output.WriteLine($"npx spectral: exit {process.ExitCode} after {watch.Elapsed.TotalSeconds:0} s; document {new FileInfo(file).Length} bytes.");

        var text = (await stdout).Trim();
        var results = text.StartsWith('[') ? JsonNode.Parse(text)!.AsArray() : null;
        Assert.True(results is not null, $"Spectral did not report (exit {process.ExitCode}): {text}\n{await stderr}");
        foreach (var result in results)
        {
            output.WriteLine($"{Severity(result!)} {result!["code"]} {string.Join('/', result["path"]!.AsArray())}: {result["message"]}");
        }
        Assert.DoesNotContain(results, r => r!["severity"]!.GetValue<int>() is 0 or 1); // 0 error, 1 warning
        Assert.Equal(0, process.ExitCode);
    }

    private static string Severity(JsonNode result) => result["severity"]!.GetValue<int>() switch
    {
        0 => "error", 1 => "warning", 2 => "info", _ => "hint",
    };

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode doc) =>
        from path in doc["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        where operation.Key is "get" or "put" or "post" or "delete" or "patch"
        select (path.Key, operation.Key, operation.Value!);

    /// <summary>
    /// Every route docs/api.md names, in its one notation: a code span opening with the method and the path
    /// (<c>`POST /api/leads`</c>, <c>`GET /api/leads?icpId=…`</c>, <c>`PUT /api/icps/{icpId} {definition, reason}`</c>);
    /// the path ends at a space, a <c>?</c> or the closing backtick.
    /// </summary>
    private static HashSet<string> NamedRoutes(string markdown) =>
        RouteNotation().Matches(markdown).Select(m => Route(m.Groups["method"].Value, m.Groups["path"].Value)).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"`(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/[^\s`?]*)")]
    private static partial Regex RouteNotation();

    /// <summary>"GET /api/leads": the method in capitals, the path without a trailing slash.</summary>
    private static string Route(string method, string path) =>
        $"{method.ToUpperInvariant()} {(path.Length > 1 ? path.TrimEnd('/') : path)}";

    /// <summary>The document as served, also kept at TestResults/openapi-v1.json for the lint and for reading.</summary>
    private async Task<(JsonNode Document, string File)> DocumentAsync()
    {
        using var client = system.App.CreateHttpClient("gateway", "http");
        var json = await client.GetStringAsync("/openapi/v1.json");
        var file = Path.Combine(RepositoryRoot(), "TestResults", "openapi-v1.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, json);
        return (JsonNode.Parse(json)!, file);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GrowthKit.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("The repository root (GrowthKit.sln) was not found.");
    }
}
