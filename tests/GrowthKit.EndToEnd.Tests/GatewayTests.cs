using System.Net;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

[Collection(GrowthKitCollection.Name)]
public sealed class GatewayTests(GrowthKitApp system)
{
    [Fact]
    public async Task Health_is_200_when_every_service_is_ready()
    {
        using var client = system.App.CreateHttpClient("gateway", "http");
        using var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("icp")]
    [InlineData("leads")]
    [InlineData("scoring")]
    [InlineData("refinement")]
    [InlineData("integrations")]
    public async Task Serves_each_services_openapi_document(string document)
    {
        using var client = system.App.CreateHttpClient("gateway", "http");
        using var response = await client.GetAsync($"/openapi/{document}.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadObject();
        Assert.NotNull(body["openapi"]);
        Assert.NotNull(body["paths"]);
    }

    [Fact]
    public async Task The_icp_document_describes_its_endpoints_with_summaries_and_problems()
    {
        using var client = system.App.CreateHttpClient("gateway", "http");
        var doc = JsonNode.Parse(await client.GetStringAsync("/openapi/icp.json"))!;
        var publish = doc["paths"]!["/api/icps/{icpId}/publish"]!["post"]!;
        Assert.False(string.IsNullOrWhiteSpace(publish["summary"]?.GetValue<string>()));
        Assert.NotNull(publish["responses"]!["412"]);
    }

    [Fact]
    public async Task Serves_an_interactive_reference_without_any_external_asset()
    {
        using var client = system.App.CreateHttpClient("gateway", "http");
        using var response = await client.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("src=\"https?://", html);
    }
}
