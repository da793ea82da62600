using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace GrowthKit.Web.Tests;

[Collection(WebAppCollection.Name)]
public sealed class UsagePanelTests(WebApp web)
{
    [Fact]
    public async Task The_home_page_shows_this_months_usage_against_the_quota()
    {
        using var admin = new HttpClient { BaseAddress = web.Gateway.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", web.AdminKey);
        using var created = await admin.PostAsJsonAsync("/admin/tenants", new { name = "usage-" + Guid.NewGuid().ToString("N")[..8] });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tenant = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var apiKey = tenant["apiKey"]!.GetValue<string>();
        using (var quota = await admin.PutAsJsonAsync($"/admin/tenants/{tenant["tenantId"]}/quota", new { leadsPerMonth = 40 }))
        {
            Assert.Equal(HttpStatusCode.OK, quota.StatusCode);
        }
        using var api = new HttpClient { BaseAddress = web.Gateway.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        foreach (var id in new[] { "usage-1", "usage-2" })
        {
            using var sent = await api.PostAsJsonAsync("/api/leads", new { externalId = id, company = new { name = "Acme " + id } });
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        var page = await web.SignedInPageAsync(apiKey);
        await web.StepsAsync(page, "usage-panel", async () =>
        {
            var panel = page.GetByRole(AriaRole.Region, new() { Name = $"Usage in {DateTime.UtcNow:yyyy-MM}" });
            await Assertions.Expect(panel).ToBeVisibleAsync();
            await Assertions.Expect(panel.GetByRole(AriaRole.Progressbar)).ToHaveAttributeAsync("aria-valuetext", "2 of 40");
            await Assertions.Expect(panel).ToContainTextAsync("Monthly lead quota");
            await web.ScreenshotAsync(page, "40-usage-panel");
        });
    }
}
