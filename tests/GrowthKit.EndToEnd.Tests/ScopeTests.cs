using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using GrowthKit.Gateway.Authorization;
using Xunit.Abstractions;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// Scoped and expiring API keys through the running system. The routes come from the services' own
/// OpenAPI documents, so a route added without a scope rule fails here.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class ScopeTests(GrowthKitApp system, ITestOutputHelper output)
{
    private static readonly string[] Documents = ["icp", "leads", "scoring", "refinement", "integrations"];

    [Fact]
    public async Task Every_route_of_every_service_answers_each_scope_with_allowed_or_403_naming_the_scope()
    {
        var routes = await PublishedRoutesAsync();
        Assert.True(routes.Count >= 35, $"only {routes.Count} routes were published");
        var unlisted = routes.Where(r => ApiScopes.Accepting(r.Method, r.Template) is null).ToList();
        Assert.True(unlisted.Count == 0, "routes without a scope rule: " + string.Join(", ", unlisted.Select(r => $"{r.Method} {r.Template}")));

        var tenant = await system.CreateTenantAsync();
        var keys = new Dictionary<string, HttpClient>();
        foreach (var scope in ApiScopes.Known) keys[scope] = system.ClientWithKey(await IssueKeyAsync(tenant.TenantId, [scope]));

        var checkedPairs = 0;
        foreach (var route in routes)
        {
            var accepting = ApiScopes.Accepting(route.Method, route.Template)!;
            foreach (var (scope, client) in keys)
            {
                using var response = await SendAsync(client, route);
                if (accepting.Contains(scope))
                {
                    Assert.True(response.StatusCode != HttpStatusCode.Forbidden,
                        $"{route.Method} {route.Template} refused a key with {scope}: {await response.Content.ReadAsStringAsync()}");
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Forbidden,
                        $"{route.Method} {route.Template} answered {(int)response.StatusCode} to a key with only {scope}");
                    var problem = await response.ReadObject();
                    Assert.Equal(accepting[0], problem["scope"]!.GetValue<string>());
                    Assert.Contains(accepting[0], problem["detail"]!.GetValue<string>());
                }
                checkedPairs++;
            }
        }
        output.WriteLine($"{routes.Count} routes × {keys.Count} scopes = {checkedPairs} requests checked");
    }

    [Fact]
    public async Task A_scoped_key_of_another_tenant_still_gets_404_not_403()
    {
        var owner = await system.CreateTenantAsync();
        var icpId = await owner.Api.CreateIcp();
        var other = await system.CreateTenantAsync();
        var reader = system.ClientWithKey(await IssueKeyAsync(other.TenantId, ["icps:read"]));

        using var response = await reader.GetAsync($"/api/icps/{icpId}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_key_with_an_expiry_works_until_then_and_gets_401_after()
    {
        var tenant = await system.CreateTenantAsync();
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(10);
        using var issued = await system.AdminClient().PostAsJsonAsync($"/admin/tenants/{tenant.TenantId}/api-keys",
            new { name = "short-lived", scopes = new[] { "icps:read" }, expiresAt });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = await issued.ReadObject();
        Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), body["expiresAt"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());
        var client = system.ClientWithKey(body["apiKey"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/icps")).StatusCode);
        var left = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500);
        if (left > TimeSpan.Zero) await Task.Delay(left);

        using var expired = await client.GetAsync("/api/icps");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("application/problem+json", expired.Content.Headers.ContentType?.MediaType);
        Assert.Contains("expired", (await expired.ReadObject())["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Issuing_a_key_with_an_unknown_scope_or_a_past_expiry_is_a_422_naming_the_field()
    {
        var tenant = await system.CreateTenantAsync();
        var admin = system.AdminClient();

        using var unknown = await admin.PostAsJsonAsync($"/admin/tenants/{tenant.TenantId}/api-keys",
            new { name = "bad", scopes = new[] { "leads:write", "everything" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Contains("scopes[1]", (await unknown.ReadObject())["errors"]!.AsObject().Select(e => e.Key));

        using var past = await admin.PostAsJsonAsync($"/admin/tenants/{tenant.TenantId}/api-keys",
            new { name = "bad", expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, past.StatusCode);
        Assert.Contains("expiresAt", (await past.ReadObject())["errors"]!.AsObject().Select(e => e.Key));

        using var wrongType = await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/api-keys",
            new StringContent("""{"name": "bad", "expiresAt": 12}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
    }

    [Fact]
    public async Task Rotation_without_downtime_a_second_key_works_before_the_first_is_deleted()
    {
        var tenant = await system.CreateTenantAsync();
        var second = system.ClientWithKey(await IssueKeyAsync(tenant.TenantId, null));
        Assert.Equal(HttpStatusCode.OK, (await tenant.Api.GetAsync("/api/icps")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/icps")).StatusCode);

        var details = await (await system.AdminClient().GetAsync($"/admin/tenants/{tenant.TenantId}")).ReadObject();
        var first = details["apiKeys"]!.AsArray().First(k => k!["name"]!.GetValue<string>() == "default")!["keyId"]!.GetValue<string>();
        using (var deleted = await system.AdminClient().DeleteAsync($"/admin/tenants/{tenant.TenantId}/api-keys/{first}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Api.GetAsync("/api/icps")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/icps")).StatusCode);
    }

    private async Task<string> IssueKeyAsync(Guid tenantId, string[]? scopes)
    {
        using var issued = await system.AdminClient().PostAsJsonAsync($"/admin/tenants/{tenantId}/api-keys",
            new { name = "key-" + (scopes is null ? "all" : string.Join("-", scopes)), scopes });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        return (await issued.ReadObject())["apiKey"]!.GetValue<string>();
    }

    private sealed record Route(string Method, string Template, Dictionary<string, string> ParameterTypes);

    /// <summary>Every /api route in the services' documents, as the gateway serves them anonymously.</summary>
    private async Task<List<Route>> PublishedRoutesAsync()
    {
        var routes = new List<Route>();
        foreach (var document in Documents)
        {
            using var response = await system.Gateway.GetAsync($"/openapi/{document}.json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var paths = (await response.ReadObject())["paths"]!.AsObject();
            foreach (var (template, operations) in paths)
            {
                if (!template.StartsWith("/api/", StringComparison.Ordinal) && template != "/api") continue;
                foreach (var (method, operation) in operations!.AsObject())
                {
                    if (method is "parameters" or "summary" or "description") continue;
                    var types = (operation?["parameters"]?.AsArray() ?? [])
                        .Where(p => p!["in"]!.GetValue<string>() == "path")
                        .ToDictionary(p => p!["name"]!.GetValue<string>(),
                            p => p!["schema"]?["type"]?.ToString() is { } type && type.Contains("integer") ? "integer" : p!["schema"]?["format"]?.ToString() ?? "string");
                    routes.Add(new Route(method.ToUpperInvariant(), template, types));
                }
            }
        }
        return routes;
    }

    /// <summary>The route with made-up ids (another tenant's would be 404 anyway) and an empty JSON body; waits out a 429.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Route route)
    {
        var path = route.Template;
        foreach (var (name, type) in route.ParameterTypes)
        {
            path = path.Replace("{" + name + "}", type switch { "integer" => "1", "uuid" => Guid.NewGuid().ToString(), _ => "x" });
        }
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
            if (route.Method is "POST" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 5) return response;
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            response.Dispose();
        }
    }
}
