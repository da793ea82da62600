using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;

namespace GrowthKit.Web.Tests;

[Collection(WebAppCollection.Name)]
public sealed class SignInTests(WebApp web)
{
    [Fact]
    public async Task A_newcomer_creates_a_workspace_with_the_admin_key_and_signs_in_with_its_new_api_key()
    {
        var page = await web.NewPageAsync();
        await web.StepsAsync(page, "new-workspace", async () =>
        {
            var name = "Newcomer " + Guid.NewGuid().ToString("N")[..6];
            await page.GetByLabel("Workspace name").FillAsync(name);

            // A wrong admin key is refused with a sentence saying which key is meant.
            await page.GetByLabel("Admin key").FillAsync("not-the-admin-key");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("admin key was not accepted");

            await page.GetByLabel("Admin key").FillAsync(web.AdminKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(name);
            var apiKey = (await page.Locator("code.new-api-key").InnerTextAsync()).Trim();
            await web.ScreenshotAsync(page, "00-new-workspace");

            await page.GetByRole(AriaRole.Button, new() { Name = "I have saved it — continue" }).ClickAsync();
            await page.GetByRole(AriaRole.Heading, new() { Name = "Your ideal customer profiles" }).WaitForAsync();

            // The key shown is the workspace's own: the API takes it.
            using var api = new HttpClient { BaseAddress = web.Gateway.BaseAddress };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var icps = await api.GetAsync("/api/icps");
            Assert.Equal(HttpStatusCode.OK, icps.StatusCode);
        });
    }
}
