using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace GrowthKit.Web.Tests;

[Collection(WebAppCollection.Name)]
public sealed class LeadPageTests(WebApp web)
{
    [Fact]
    public async Task Shows_a_lead_pushed_through_the_api_with_its_breakdown()
    {
        var (key, api) = await web.CreateTenantAsync();
        var icpId = await Api.CreateIcpAsync(api, Api.ExampleIcp("Mid-market logistics operators"));
        await Api.PublishAsync(api, icpId, "first version");
        var leadId = await Api.SendLeadAsync(api, JsonNode.Parse("""
            {
              "externalId": "crm-4711",
              "company": {"name": "Acme Logistics GmbH", "industry": "Transportation and Warehousing",
                          "employeeCount": 120, "country": "US"},
              "signals": ["funding_round"], "contact": {"department": "operations"}
            }
            """)!.AsObject());
        await Api.SendLeadAsync(api, JsonNode.Parse("""
            {"externalId": "crm-4712", "company": {"name": "Tiny Freight", "industry": "Wholesale Trade", "employeeCount": 5, "country": "DE"}}
            """)!.AsObject());
        await Api.WaitForScoreAsync(api, leadId);

        var page = await web.SignedInPageAsync(key);
        await web.StepsAsync(page, "lead", async () =>
        {
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Leads" }).ClickAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Acme Logistics GmbH" });
            await Assertions.Expect(row).ToContainTextAsync("72.7");
            await Assertions.Expect(row).ToContainTextAsync("Tier B");
            await Assertions.Expect(page.Locator("figure.chart").First).ToBeVisibleAsync();
            await web.ScreenshotAsync(page, "10-leads-board");

            await row.GetByRole(AriaRole.Link, new() { Name = "Acme Logistics GmbH" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Acme Logistics GmbH", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".score-number")).ToHaveTextAsync("72.7");
            var breakdown = page.GetByRole(AriaRole.Table, new() { Name = "How the score adds up" });
            await Assertions.Expect(breakdown.GetByRole(AriaRole.Row).Filter(new() { HasText = "industry" }))
                .ToContainTextAsync("yes");
            await Assertions.Expect(breakdown.GetByRole(AriaRole.Row).Filter(new() { HasText = "region" }))
                .ToContainTextAsync("no");
            // The lead's actual value beside the criterion it missed.
            await Assertions.Expect(breakdown.GetByRole(AriaRole.Row).Filter(new() { HasText = "region" })).ToContainTextAsync("US");
            await Assertions.Expect(breakdown.GetByRole(AriaRole.Row).Filter(new() { HasText = "sales-led" })).ToContainTextAsync("operations");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Score history" })).ToBeVisibleAsync();
            await web.ScreenshotAsync(page, "11-lead-breakdown");
            await page.SetViewportSizeAsync(390, 844);
            await web.ScreenshotAsync(page, "12-lead-phone");
            await page.SetViewportSizeAsync(1280, 900);

            // A second version published from the ICP page: the re-scoring's progress, then the lead's history.
            await Api.EditAsync(api, icpId, "Pain matters more", draft =>
                draft["criteria"]!.AsArray().First(c => c!["key"]!.GetValue<string>() == "pain")!["weight"] = 15);
            await page.GotoAsync($"icps/{icpId}");
            await page.GetByLabel("Reason").FillAsync("second release");
            await page.GetByRole(AriaRole.Button, new() { Name = "Publish", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Progressbar)).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator(".rescoring")).ToContainTextAsync("Every lead is scored against version 2",
                new() { Timeout = 60_000 });
            await web.ScreenshotAsync(page, "13-icp-rescored");
            await page.GotoAsync($"leads/{leadId}");
            await Assertions.Expect(page.GetByRole(AriaRole.Table).Filter(new() { HasText = "Scored (UTC)" }))
                .ToContainTextAsync("v2");
        });
    }

    [Fact]
    public async Task Refinement_page_charts_the_gap_report_shows_win_probability_per_tier_and_accepts_a_proposal()
    {
        var (key, api) = await web.CreateTenantAsync();
        var icpId = await Api.CreateIcpAsync(api, Api.ExampleIcp("Refined"));
        await Api.PublishAsync(api, icpId, "first version");
        await Api.SendClosedDealsAsync(api);
        await Api.WaitForReviewAsync(api, icpId, 300);

        var page = await web.SignedInPageAsync(key);
        await web.StepsAsync(page, "refinement", async () =>
        {
            await page.GotoAsync($"icps/{icpId}/refinement");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Gap report" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("dl.kpis")).ToContainTextAsync("300");
            await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Win rate by value" })).ToBeVisibleAsync();
            // 300 deals, won and lost well over 40 times each: every tier with its chance of winning and interval.
            var chances = page.GetByRole(AriaRole.Table, new() { Name = "Chance of winning by tier" });
            await Assertions.Expect(chances.GetByRole(AriaRole.Row)).ToHaveCountAsync(6);
            await Assertions.Expect(chances.GetByRole(AriaRole.Row).Filter(new() { HasText = "Tier A" })).ToContainTextAsync("%");
            var proposal = page.Locator("li.proposal").Filter(new() { HasText = "pending" });
            await Assertions.Expect(proposal).ToContainTextAsync("expected");
            // Each change with its evidence in words.
            await Assertions.Expect(proposal.Locator("ul.change-evidence li").First)
                .ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"won of \d+ deals|no closed deal has it yet"));
            await web.ScreenshotAsync(page, "20-refinement");

            await proposal.GetByRole(AriaRole.Button, new() { Name = "Accept and publish" }).ClickAsync();
            await Assertions.Expect(page.GetByText("Accepted: published as version 2.")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await web.ScreenshotAsync(page, "21-refinement-accepted");
        });
    }
}
