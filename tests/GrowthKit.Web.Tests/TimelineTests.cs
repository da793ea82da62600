using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace GrowthKit.Web.Tests;

[Collection(WebAppCollection.Name)]
public sealed class TimelineTests(WebApp web)
{
    [Fact]
    public async Task Opens_the_diff_between_two_versions_and_the_icp_as_of_a_revision()
    {
        var (key, api) = await web.CreateTenantAsync();
        var icpId = await Api.CreateIcpAsync(api, Api.ExampleIcp("Logistics"));
        await Api.PublishAsync(api, icpId, "first version");
        await Api.EditAsync(api, icpId, "Pain matters more than we thought", draft =>
            draft["criteria"]!.AsArray().First(c => c!["key"]!.GetValue<string>() == "pain")!["weight"] = 15);
        await Api.EditAsync(api, icpId, "Hiring signals too", draft => draft["criteria"]!.AsArray().Add(JsonNode.Parse(
            """{"key": "hiring", "field": "signals", "operator": "anyOf", "values": ["hiring_spree"], "weight": 5}""")));
        await Api.PublishAsync(api, icpId, "second release");

        var page = await web.SignedInPageAsync(key);
        await web.StepsAsync(page, "timeline", async () =>
        {
            await page.GotoAsync($"icps/{icpId}/timeline");
            var versions = page.Locator("ol.versions");
            await Assertions.Expect(versions).ToContainTextAsync("second release");
            await Assertions.Expect(versions).ToContainTextAsync("first version");

            await page.GetByLabel("From version").SelectOptionAsync("1");
            await page.GetByLabel("To version").SelectOptionAsync("2");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show differences" }).ClickAsync();
            var diff = page.Locator(".diff");
            await Assertions.Expect(diff).ToContainTextAsync("From v1 to v2");
            await Assertions.Expect(diff.Locator("li.changed").Filter(new() { HasText = "pain" })).ToContainTextAsync("+15");
            await Assertions.Expect(diff.Locator("li.added").Filter(new() { HasText = "hiring" })).ToBeVisibleAsync();
            await web.ScreenshotAsync(page, "30-timeline-diff");

            // As of just after the first publication: v1 in force, pain still weighted 10.
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the ICP as of revision 2" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "v1 in force" })).ToBeVisibleAsync();
            await web.ScreenshotAsync(page, "31-timeline-as-of");
        });
    }

    [Fact]
    public async Task Shows_that_the_record_verifies_and_downloads_the_audit_export()
    {
        var (key, api) = await web.CreateTenantAsync();
        var icpId = await Api.CreateIcpAsync(api, Api.ExampleIcp("Audited"));
        await Api.PublishAsync(api, icpId, "first version");

        var page = await web.SignedInPageAsync(key);
        await web.StepsAsync(page, "timeline-audit", async () =>
        {
            await page.GotoAsync($"icps/{icpId}/timeline");
            await Assertions.Expect(page.Locator("[data-audit=ok]")).ToContainTextAsync("Verified");

            var download = await page.RunAndWaitForDownloadAsync(() =>
                page.GetByRole(AriaRole.Button, new() { Name = "Download the audit export" }).ClickAsync());
            Assert.Equal("growthkit-audit.ndjson", download.SuggestedFilename);
            var path = await download.PathAsync();
            var lines = await File.ReadAllLinesAsync(path);
            Assert.Contains("\"kind\":\"header\"", lines[0]);
            Assert.Contains(lines, l => l.Contains("\"IcpPublished.v1\""));
            await web.ScreenshotAsync(page, "32-timeline-audit");
        });
    }
}
