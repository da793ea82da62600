using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GrowthKit.Web.Api;

namespace GrowthKit.Web.Tests;

/// <summary>
/// The web app's API types are the ones generated from docs/openapi.json at build time (no browser needed):
/// every schema of the document is a type of GrowthKit.Web.Api with exactly the schema's JSON properties.
/// </summary>
public sealed class GatewayContractTests
{
    /// <summary>Schemas the generator leaves out on purpose: any JSON (System.Text.Json's own), and problems (read by ApiProblem).</summary>
    private static readonly string[] NotGenerated = ["JsonElement", "ProblemDetails", "HttpValidationProblemDetails"];

    [Fact]
    public void Every_schema_of_docs_openapi_json_is_a_generated_type_with_the_same_json_properties()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "openapi.json")))!;
        var schemas = document["components"]!["schemas"]!.AsObject().Where(s => !NotGenerated.Contains(s.Key)).ToList();
        var assembly = typeof(GatewayApi).Assembly;

        Assert.True(schemas.Count > 100, $"Only {schemas.Count} schemas in docs/openapi.json.");
        foreach (var (name, schema) in schemas)
        {
            var type = assembly.GetType($"{typeof(GatewayApi).Namespace}.{name}");
            Assert.True(type is not null, $"No type for the schema {name}.");
            Assert.NotNull(type.GetCustomAttribute<System.CodeDom.Compiler.GeneratedCodeAttribute>());
            var expected = (schema!["properties"]?.AsObject().Select(p => p.Key) ?? []).Order(StringComparer.Ordinal);
            var actual = type.GetProperties()
                .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
                .OfType<string>()
                .Order(StringComparer.Ordinal);
            Assert.Equal(expected, actual);
        }
    }

    /// <summary>
    /// The calls are written by hand in GatewayApi (its answers are the generated types): each method and route
    /// it calls must be an operation of the document, so a renamed or removed route fails here, without a browser.
    /// </summary>
    [Fact]
    public void Every_route_the_web_app_calls_is_an_operation_of_docs_openapi_json()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "openapi.json")))!;
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {Template(path.Key)}"))
            .ToHashSet();
        var calls = Directory.GetFiles(Path.Combine(RepositoryRoot(), "src", "GrowthKit.Web", "Api"), "GatewayApi*.cs")
            .SelectMany(file => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file),
                    @"HttpMethod\.(\w+),\s*\$?""(/[^""?]*)")
                .Select(m => (Call: $"{m.Groups[1].Value.ToUpperInvariant()} {Template(m.Groups[2].Value)}", File: Path.GetFileName(file))))
            .ToList();

        Assert.True(calls.Count >= 30, $"Only {calls.Count} calls found in GatewayApi: the pattern no longer reads the file.");
        var unknown = calls.Where(c => !operations.Contains(c.Call)).Select(c => $"{c.Call} ({c.File})").ToList();
        Assert.True(unknown.Count == 0, $"The web app calls routes docs/openapi.json does not have: {string.Join(", ", unknown)}");
    }

    /// <summary><c>/api/icps/{icpId}/versions/{version}</c> → <c>/api/icps/{}/versions/{}</c>: parameters by place, not name.</summary>
    private static string Template(string path) => System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]*\}", "{}");

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GrowthKit.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("The repository root (GrowthKit.sln) was not found.");
    }
}
