using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GrowthKit.Testing;

public static class Api
{
    public static async Task<JsonObject> ReadObject(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    public static async Task<Guid> CreateIcp(this HttpClient api, JsonObject? definition = null)
    {
        using var response = await api.PostAsJsonAsync("/api/icps", definition ?? Samples.Definition());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Guid.Parse((await response.ReadObject())["icpId"]!.GetValue<string>());
    }

    public static async Task<int> Publish(this HttpClient api, Guid icpId, string reason = "first version")
    {
        using var response = await api.PostAsJsonAsync($"/api/icps/{icpId}/publish", new { reason });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadObject())["version"]!.GetValue<int>();
    }

    public static async Task<Guid> PushLead(this HttpClient api, JsonObject lead)
    {
        using var response = await api.PostAsJsonAsync("/api/leads", lead);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return Guid.Parse((await response.ReadObject())["leadId"]!.GetValue<string>());
    }

    /// <summary>Scoring is asynchronous: poll the lead until <paramref name="done"/> holds.</summary>
    public static async Task<JsonObject> WaitForLead(this HttpClient api, Guid leadId, Func<JsonObject, bool> done,
        TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await api.GetAsync($"/api/leads/{leadId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = await response.ReadObject();
                if (done(last)) return last;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Lead {leadId} did not reach the expected state; last seen: {last?.ToJsonString()}");
    }

    /// <summary>Changes the ICP's draft with <c>If-Match</c> on <paramref name="revision"/>; expects 200.</summary>
    public static async Task EditIcp(this HttpClient api, Guid icpId, JsonObject definition, int revision, string reason)
    {
        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/icps/{icpId}")
        {
            Content = JsonContent.Create(new { definition, reason }),
        };
        edit.Headers.TryAddWithoutValidation("If-Match", $"\"{revision}\"");
        using var edited = await api.SendAsync(edit);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
    }

    /// <summary>Waits until re-scoring for the published <paramref name="version"/> has finished.</summary>
    public static Task WaitForRescoring(this HttpClient api, Guid icpId, int version, TimeSpan patience) => Until(async () =>
    {
        using var response = await api.GetAsync($"/api/icps/{icpId}/versions/{version}/rescoring");
        return response.StatusCode == HttpStatusCode.OK && (await response.ReadObject())["finishedAt"] is not null;
    }, $"re-scoring of v{version}", patience);

    /// <summary>Polls <paramref name="done"/> every half second until it holds, for at most <paramref name="patience"/>.</summary>
    public static async Task Until(Func<Task<bool>> done, string what, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {patience} for {what}.");
            await Task.Delay(500);
        }
    }

    public static JsonArray Scores(this JsonObject lead) => lead["scores"]!.AsArray();

    /// <summary>
    /// An ICP published in three versions (v2 adds US, v3 weighs industry more), with <paramref name="leads"/>
    /// pushed after v1 and every re-scoring finished: the history the audit and backup tests read back.
    /// </summary>
    public static async Task<ThreeVersions> PublishThreeVersionsAsync(this HttpClient api, IReadOnlyList<JsonObject> leads, TimeSpan patience)
    {
        var icpId = await api.CreateIcp();
        Assert.Equal(1, await api.Publish(icpId));
        using (var response = await api.PostAsJsonAsync("/api/leads/batch", new { leads }))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Empty((await response.ReadObject())["rejected"]!.AsArray());
        }
        // Scoring learns of v1 over the broker: until then the ranking is 404.
        await Until(async () =>
        {
            using var ranking = await api.GetAsync($"/api/leads?icpId={icpId}&limit=1000");
            return ranking.StatusCode == HttpStatusCode.OK && (await ranking.ReadObject())["items"]!.AsArray().Count == leads.Count;
        }, "every lead scored against v1", patience);

        var v2 = Samples.Definition();
        v2["criteria"]![2]!["values"]!.AsArray().Add("US");
        await api.EditIcp(icpId, v2, revision: 2, "US too");
        Assert.Equal(2, await api.Publish(icpId, "US too"));
        await api.WaitForRescoring(icpId, 2, patience);
        var betweenV2AndV3 = DateTimeOffset.UtcNow;

        var v3 = Samples.Definition();
        v3["criteria"]![0]!["weight"] = 40;
        await api.EditIcp(icpId, v3, revision: 4, "industry matters more");
        Assert.Equal(3, await api.Publish(icpId, "industry matters more"));
        await api.WaitForRescoring(icpId, 3, patience);
        return new ThreeVersions(icpId, betweenV2AndV3);
    }
}

/// <param name="BetweenV2AndV3">An instant after v2's re-scoring finished and before v3 was drafted.</param>
public sealed record ThreeVersions(Guid IcpId, DateTimeOffset BetweenV2AndV3);
