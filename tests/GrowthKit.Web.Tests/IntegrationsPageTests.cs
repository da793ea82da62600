using GrowthKit.Testing.Crm;
using Microsoft.Playwright;

namespace GrowthKit.Web.Tests;

[Collection(WebAppCollection.Name)]
public sealed class IntegrationsPageTests(WebApp web)
{
    [Fact]
    public async Task A_tenant_connects_hubspot_syncs_it_and_disconnects_on_the_integrations_page_and_the_token_is_never_shown()
    {
        using var hubspot = new FakeHubSpot();
        for (var i = 1; i <= 6; i++) hubspot.AddCompany($"{i}", $"Web Company {i}", industry: "LOGISTICS_AND_SUPPLY_CHAIN");
        hubspot.AddDeal("900", "1", closed: true, won: true, amount: 1200);
        var (apiKey, _) = await web.CreateTenantAsync();
        var page = await web.SignedInPageAsync(apiKey);

        await web.StepsAsync(page, "integrations", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Integrations" }).ClickAsync();
            var card = page.GetByRole(AriaRole.Region, new() { Name = "HubSpot" });
            await Assertions.Expect(card).ToContainTextAsync("Not connected.");

            await card.GetByLabel("Private app access token").FillAsync(FakeHubSpot.Token);
            await card.GetByLabel("API base URL").FillAsync(hubspot.Url);
            await card.GetByRole(AriaRole.Button, new() { Name = "Connect" }).ClickAsync();
            await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Sync now" })).ToBeVisibleAsync();

            await card.GetByRole(AriaRole.Button, new() { Name = "Sync now" }).ClickAsync();
            // The page refreshes a running sync's figures by itself until it ends.
            await Assertions.Expect(card.GetByRole(AriaRole.Heading, new() { Name = "Last sync: finished" }))
                .ToBeVisibleAsync(new() { Timeout = 90_000 });
            await Assertions.Expect(card.Locator("dd.leads-upserted")).ToHaveTextAsync("6");
            await Assertions.Expect(card.Locator("dd.deals-recorded")).ToHaveTextAsync("1");
            Assert.DoesNotContain(FakeHubSpot.Token, await page.ContentAsync());
            await web.ScreenshotAsync(page, "50-integrations");

            await card.GetByRole(AriaRole.Button, new() { Name = "Disconnect" }).ClickAsync();
            await Assertions.Expect(card).ToContainTextAsync("Not connected.");
        });
    }

    [Fact]
    public async Task A_wrong_base_url_is_refused_with_the_fields_reason_on_the_page()
    {
        var (apiKey, _) = await web.CreateTenantAsync();
        var page = await web.SignedInPageAsync(apiKey);

        await web.StepsAsync(page, "integrations-refused", async () =>
        {
            await page.GotoAsync("integrations");
            var card = page.GetByRole(AriaRole.Region, new() { Name = "Pipedrive" });
            await card.GetByLabel("API token").FillAsync("not-a-real-token");
            await card.GetByLabel("API base URL").FillAsync("ftp://example.com/");
            await card.GetByRole(AriaRole.Button, new() { Name = "Connect" }).ClickAsync();
            await Assertions.Expect(card.GetByRole(AriaRole.Alert)).ToContainTextAsync("baseUrl");
            await Assertions.Expect(card).ToContainTextAsync("Not connected.");
        });
    }
}
