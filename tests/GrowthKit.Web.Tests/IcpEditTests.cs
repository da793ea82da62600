using Microsoft.Playwright;

namespace GrowthKit.Web.Tests;

[Collection(WebAppCollection.Name)]
public sealed class IcpEditTests(WebApp web)
{
    [Fact]
    public async Task Shows_the_apis_validation_message_beside_the_field_then_saves_the_fix()
    {
        var (key, api) = await web.CreateTenantAsync();
        var icpId = await Api.CreateIcpAsync(api, Api.ExampleIcp("Editable"));

        var page = await web.SignedInPageAsync(key);
        await web.StepsAsync(page, "icp-edit", async () =>
        {
            await page.GotoAsync($"icps/{icpId}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Edit the draft" }).ClickAsync();
            var size = page.GetByRole(AriaRole.Group, new() { Name = "Criterion 2" });
            await size.GetByLabel("Min").FillAsync("600");
            await page.GetByLabel("Why this change?").FillAsync("Bigger companies only");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();

            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("breaks a rule");
            await Assertions.Expect(size.Locator(".field-errors")).ToContainTextAsync("must not be greater than");
            await web.ScreenshotAsync(page, "07-icp-edit-validation");

            await size.GetByLabel("Min").FillAsync("100");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Assertions.Expect(page.GetByText("Draft saved.")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".definition")).ToContainTextAsync("Employee count is between 100 and 500");
        });
    }
}
