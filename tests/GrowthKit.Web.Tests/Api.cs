using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GrowthKit.Web.Tests;

/// <summary>What a test sets up through the public API (as curl would), before it looks in the browser.</summary>
public static class Api
{
    /// <summary>API.md's example ICP under another name, without its placeholder description and its persona.</summary>
    public static JsonObject ExampleIcp(string name) => Testing.ExampleIcp.Definition(name, personas: false);

    public static async Task<Guid> CreateIcpAsync(HttpClient api, JsonObject definition)
    {
        using var response = await api.PostAsJsonAsync("/api/icps", definition);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Guid.Parse((await response.Content.ReadFromJsonAsync<JsonObject>())!["icpId"]!.GetValue<string>());
    }

    public static async Task<int> PublishAsync(HttpClient api, Guid icpId, string reason)
    {
        using var response = await api.PostAsJsonAsync($"/api/icps/{icpId}/publish", new { reason });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>();
    }

    /// <summary>Reads the draft and its ETag, applies the change, PUTs it with If-Match.</summary>
    public static async Task EditAsync(HttpClient api, Guid icpId, string reason, Action<JsonObject> change)
    {
        using var read = await api.GetAsync($"/api/icps/{icpId}");
        var draft = (await read.Content.ReadFromJsonAsync<JsonObject>())!["draft"]!.AsObject();
        change(draft);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/icps/{icpId}")
        {
            Content = JsonContent.Create(new JsonObject { ["definition"] = draft.DeepClone(), ["reason"] = reason }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.ToString());
        using var response = await api.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task<Guid> SendLeadAsync(HttpClient api, JsonObject lead)
    {
        using var response = await api.PostAsJsonAsync("/api/leads", lead);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return Guid.Parse((await response.Content.ReadFromJsonAsync<JsonObject>())!["leadId"]!.GetValue<string>());
    }

    /// <summary>
    /// The made-up market of docs/walkthrough.md ("Refine it from won and lost deals"): 300 companies whose
    /// deals were won more often in manufacturing and in DE/AT. Sends the leads, then (once refinement has
    /// heard of them) their closed deals.
    /// </summary>
    public static async Task SendClosedDealsAsync(HttpClient api, int count = 300)
    {
        var random = new Random(42);
        string[] industries = ["Manufacturing", "Transportation and Warehousing", "Retail Trade"];
        string[] countries = ["DE", "AT", "FR"];
        var leads = new JsonArray();
        var deals = new JsonArray();
        for (var i = 1; i <= count; i++)
        {
            var (ind, cty, roll) = (random.Next(3), random.Next(3), random.Next(100));
            var chance = 15 + (ind == 0 ? 45 : 0) + (cty < 2 ? 20 : 0);
            leads.Add(new JsonObject
            {
                ["externalId"] = $"hist-{i}",
                ["company"] = new JsonObject
                {
                    ["name"] = $"Customer {i}", ["industry"] = industries[ind], ["employeeCount"] = 120, ["country"] = countries[cty],
                },
            });
            deals.Add(new JsonObject
            {
                ["dealId"] = $"opp-{i}", ["externalId"] = $"hist-{i}", ["outcome"] = roll < chance ? "won" : "lost",
                ["closedAt"] = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i).ToString("O"),
            });
        }
        using (var response = await api.PostAsJsonAsync("/api/leads/batch", new JsonObject { ["leads"] = leads }))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // Refinement hears of the leads a message later; a deal for a lead it does not know yet is rejected
        // (and resending an accepted deal changes nothing).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await api.PostAsJsonAsync("/api/deals/batch", new JsonObject { ["deals"] = deals.DeepClone() });
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            if (response.StatusCode == HttpStatusCode.Accepted && body?["rejected"] is JsonArray { Count: 0 }) return;
            Assert.True(DateTime.UtcNow < deadline, $"Deals still rejected after 60 s: {body}");
            await Task.Delay(1000);
        }
    }

    /// <summary>Refinement reviews the evidence a moment after deals arrive: waits until its review saw <paramref name="deals"/> deals.</summary>
    public static async Task WaitForReviewAsync(HttpClient api, Guid icpId, int deals)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await api.GetAsync($"/api/icps/{icpId}/proposals");
            if (response.IsSuccessStatusCode)
            {
                last = await response.Content.ReadFromJsonAsync<JsonObject>();
                if (last?["reviewedDeals"]?.GetValue<int>() == deals) return;
            }
            await Task.Delay(300);
        }
        Assert.Fail($"Refinement did not review {deals} deals of ICP {icpId} within 60 s; last: {last}");
    }

    /// <summary>Scoring is a message away: waits until the lead has a score.</summary>
    public static async Task WaitForScoreAsync(HttpClient api, Guid leadId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await api.GetAsync($"/api/leads/{leadId}");
            if (response.IsSuccessStatusCode
                && (await response.Content.ReadFromJsonAsync<JsonObject>())!["scores"] is JsonArray { Count: > 0 })
            {
                return;
            }
            await Task.Delay(300);
        }
        Assert.Fail($"Lead {leadId} was not scored within 60 s.");
    }
}
