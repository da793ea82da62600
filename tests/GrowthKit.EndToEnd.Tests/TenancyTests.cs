using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.ServiceDefaults.Tenancy;

namespace GrowthKit.EndToEnd.Tests;

[Collection(GrowthKitCollection.Name)]
public sealed class TenancyTests(GrowthKitApp system)
{
    [Fact]
    public async Task Another_tenant_gets_404_on_every_id_route_of_the_first()
    {
        var owner = await system.CreateTenantAsync();
        var stranger = await system.CreateTenantAsync();
        var icpId = await owner.Api.CreateIcp();
        await owner.Api.Publish(icpId);
        var leadId = await owner.Api.PushLead(Samples.Lead("secret-1"));
        await owner.Api.WaitForLead(leadId, l => l.Scores().Count == 1);

        foreach (var route in new[] { $"/api/icps/{icpId}", $"/api/leads/{leadId}", "/api/leads/by-external-id/secret-1" })
        {
            using var response = await stranger.Api.GetAsync(route);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{route} answered {response.StatusCode}");
        }
        using (var publish = await stranger.Api.PostAsJsonAsync($"/api/icps/{icpId}/publish", new { reason = "hijack" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, publish.StatusCode);
        }
        var list = await stranger.Api.GetFromJsonAsync<JsonObject>("/api/icps");
        Assert.Empty(list!["items"]!.AsArray());
    }

    [Fact]
    public async Task A_forged_tenant_header_through_the_gateway_changes_nothing()
    {
        var owner = await system.CreateTenantAsync();
        var stranger = await system.CreateTenantAsync();
        var icpId = await owner.Api.CreateIcp();

        foreach (var header in new[] { "X-Tenant-Id", "X-GrowthKit-Tenant", "X-Tenant" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/icps/{icpId}");
            request.Headers.Add(header, owner.TenantId.ToString());
            using var response = await stranger.Api.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("icp", "/api/icps")]
    [InlineData("scoring", "/api/leads/00000000-0000-0000-0000-000000000001")]
    [InlineData("leads", "/api/leads")]
    public async Task A_direct_call_to_a_service_without_the_gateway_gets_nothing(string service, string route)
    {
        var owner = await system.CreateTenantAsync();
        using var direct = system.App.CreateHttpClient(service, "http");

        // The public key, a forged tenant header, and a token signed with another key: all 401.
        var forgedToken = InternalToken.Create(InternalToken.SigningKey(InternalToken.NewKeyPair().PrivateKeyPem), service,
            owner.TenantId, "forger", Guid.NewGuid(), DateTimeOffset.UtcNow);
        foreach (var (scheme, value) in new[] { ("Bearer", owner.ApiKey), ("Bearer", forgedToken), ((string?)null, (string?)null) })
        {
            using var request = new HttpRequestMessage(route == "/api/leads" ? HttpMethod.Post : HttpMethod.Get, route);
            if (route == "/api/leads") request.Content = JsonContent.Create(Samples.Lead("direct-1"));
            request.Headers.Add("X-GrowthKit-Tenant", owner.TenantId.ToString());
            if (scheme is not null) request.Headers.Authorization = new AuthenticationHeaderValue(scheme, value);
            using var response = await direct.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task Missing_wrong_and_deleted_keys_get_401()
    {
        var tenant = await system.CreateTenantAsync();

        using var anonymous = system.App.CreateHttpClient("gateway", "http");
        using (var response = await anonymous.GetAsync("/api/icps")) Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using (var wrong = system.ClientWithKey("gk_not-a-key"))
        using (var response = await wrong.GetAsync("/api/icps")) Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using (var tenantOnAdmin = await tenant.Api.GetAsync("/admin/tenants")) Assert.Equal(HttpStatusCode.Unauthorized, tenantOnAdmin.StatusCode);

        using var admin = system.AdminClient();
        using var created = await admin.PostAsJsonAsync($"/admin/tenants/{tenant.TenantId}/api-keys", new { name = "ci" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await created.ReadObject();
        using var second = system.ClientWithKey(key["apiKey"]!.GetValue<string>());
        using (var response = await second.GetAsync("/api/icps")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using (var deleted = await admin.DeleteAsync($"/admin/tenants/{tenant.TenantId}/api-keys/{key["keyId"]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var response = await second.GetAsync("/api/icps")) Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using (var response = await tenant.Api.GetAsync("/api/icps")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
