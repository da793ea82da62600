using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace GrowthKit.Web.Tests;

[Collection(WebAppCollection.Name)]
public sealed class WorkshopChatTests(WebApp web)
{
    [Fact]
    public async Task Walks_the_workshop_chat_to_a_published_icp()
    {
        var (key, _) = await web.CreateTenantAsync();
        var page = await web.SignedInPageAsync(key);
        await web.StepsAsync(page, "workshop", async () =>
        {
            await web.ScreenshotAsync(page, "01-icps-empty");

            await page.GetByRole(AriaRole.Link, new() { Name = "Start the guided workshop" }).ClickAsync();
            await Expect(page, 1, "industries");
            // Free text and an option chip side by side.
            await Choose(page, "logistics");
            await page.GetByRole(AriaRole.Button, new() { Name = "42 Wholesale Trade", Exact = true }).ClickAsync();
            await Send(page);

            await Expect(page, 2, "employees");
            await page.GetByLabel("Minimum").FillAsync("50");
            await page.GetByLabel("Maximum").FillAsync("500");
            await Send(page);

            await Expect(page, 3, "revenue");
            await page.GetByRole(AriaRole.Button, new() { Name = "Skip" }).ClickAsync();

            await Expect(page, 4, "based");
            // Keyboard: Enter in the filter adds the choice (and does not send the answer yet).
            await page.GetByLabel("Find an option or type your own").FillAsync("DACH");
            await page.GetByLabel("Find an option or type your own").PressAsync("Enter");
            await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Your choices" })).ToContainTextAsync("DACH");
            await Send(page);

            await Expect(page, 5, "happened");
            await Choose(page, "funding_round");
            await Send(page);

            await Expect(page, 6, "problem");
            await Choose(page, "manual_dispatch");
            await Send(page);

            await Expect(page, 7, "decides");
            await Choose(page, "Head of Operations");
            await Send(page);

            await Expect(page, 8, "rules a lead out");
            await Choose(page, "fewer than 10 employees");
            await Send(page);

            await Expect(page, 9, "matter most");
            await web.ScreenshotAsync(page, "02-workshop-weights");
            await Send(page);
            // The last answer re-renders the whole chat: wait for it before reaching back into it.
            await Assertions.Expect(page.GetByText("That is everything I need")).ToBeVisibleAsync();

            // Back to an earlier answer: the regions become DACH and the Nordics.
            await page.GetByRole(AriaRole.Button, new() { Name = "Change your answer to: Where are they based?" }).ClickAsync();
            await Assertions.Expect(page.GetByLabel("Find an option or type your own")).ToBeVisibleAsync();
            await Choose(page, "Nordics");
            await page.GetByRole(AriaRole.Button, new() { Name = "Change answer" }).ClickAsync();
            await Assertions.Expect(page.Locator(".bubble.user").Filter(new() { HasText = "Nordics" })).ToBeVisibleAsync();

            await Assertions.Expect(page.GetByLabel("Name of the ICP")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".preview")).ToContainTextAsync("Industry is one of");
            await web.ScreenshotAsync(page, "03-workshop-done");
            await page.GetByLabel("Name of the ICP").FillAsync("Logistics from the workshop");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create draft ICP" }).ClickAsync();

            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Logistics from the workshop", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("Draft — not used for scoring yet")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".definition").First).ToContainTextAsync("Employee count is between 50 and 500");
            await web.ScreenshotAsync(page, "04-icp-draft");

            await page.GetByLabel("Reason").FillAsync("first version, from the workshop");
            await page.GetByRole(AriaRole.Button, new() { Name = "Publish", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Version 1 is published" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("Published v1")).ToBeVisibleAsync();
            // A new tenant has no leads: the re-scoring has nothing to do and says so.
            await Assertions.Expect(page.Locator(".rescoring")).ToContainTextAsync("No leads to re-score yet", new() { Timeout = 30_000 });
            await web.ScreenshotAsync(page, "05-icp-published");

            // The same page at phone width.
            await page.SetViewportSizeAsync(390, 844);
            await web.ScreenshotAsync(page, "06-icp-phone");
        });
    }

    private static Task Expect(IPage page, int step, string text) =>
        Assertions.Expect(page.Locator(".bubble.current")).ToContainTextAsync(
            new Regex($"Question {step} of 9.*{Regex.Escape(text)}", RegexOptions.Singleline));

    private static async Task Choose(IPage page, string text)
    {
        await page.GetByLabel("Find an option or type your own").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
    }

    private static Task Send(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
}
