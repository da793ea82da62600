using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Services.Tests.Icps;
using GrowthKit.Services.Tests.Infrastructure;

namespace GrowthKit.Services.Tests.Workshops;

/// <summary>The workshop in the ICP service against real PostgreSQL: restarts and the tenant's own vocabulary.</summary>
[Collection(ServersCollection.Name)]
public sealed class WorkshopServiceTests(TestServers servers, IcpService icp) : IClassFixture<IcpService>, IAsyncLifetime
{
    public Task InitializeAsync() => icp.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<Guid> Start(HttpClient api)
    {
        using var response = await api.PostAsync("/api/workshops", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["workshopId"]!.GetValue<Guid>();
    }

    private static async Task<JsonObject> Answer(HttpClient api, Guid workshopId, string questionId, string answer)
    {
        var body = new JsonObject { ["questionId"] = questionId, ["answer"] = JsonNode.Parse(answer) };
        using var response = await api.PostAsJsonAsync($"/api/workshops/{workshopId}/answers", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{questionId}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task A_workshop_resumes_after_a_restart_with_its_answers_and_current_question()
    {
        var tenant = Guid.NewGuid();
        var api = icp.ClientFor(tenant);
        var workshopId = await Start(api);
        await Answer(api, workshopId, "industries", """["Wholesale Trade"]""");
        await Answer(api, workshopId, "company-size", """{"min": 11, "max": 200}""");
        await Answer(api, workshopId, "revenue", "null");
        var before = await api.GetStringAsync($"/api/workshops/{workshopId}");

        await icp.RestartAsync();
        using var again = icp.ClientFor(tenant);

        Assert.Equal(before, await again.GetStringAsync($"/api/workshops/{workshopId}"));
        Assert.Equal("regions", JsonNode.Parse(before)!["question"]!["id"]!.GetValue<string>());
        var next = await Answer(again, workshopId, "regions", """["Benelux"]""");
        Assert.Equal("buying-triggers", next["question"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_tenants_own_triggers_and_region_groups_are_offered_accepted_and_expanded_in_the_draft()
    {
        var api = icp.ClientFor(Guid.NewGuid());
        using (var put = await api.PutAsJsonAsync("/api/taxonomy", new
               {
                   buyingTriggers = new[] { new { value = "won_tender", label = "Won a public tender" } },
                   painPoints = Array.Empty<object>(),
                   groups = new[] { new { field = "company.country", name = "Home market", members = new[] { "DE", "AT" } } },
               }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var workshopId = await Start(api);
        await Answer(api, workshopId, "industries", """["Transportation and Warehousing"]""");
        await Answer(api, workshopId, "company-size", "\"51-200\"");
        var regions = await Answer(api, workshopId, "revenue", "null");
        Assert.Contains(regions["question"]!["options"]!.AsArray(), o => o!["value"]!.GetValue<string>() == "Home market");
        var triggers = await Answer(api, workshopId, "regions", """["home market"]""");
        Assert.Contains(triggers["question"]!["options"]!.AsArray(), o => o!["value"]!.GetValue<string>() == "won_tender");
        await Answer(api, workshopId, "buying-triggers", """["Won a public tender"]""");
        await Answer(api, workshopId, "pain-points", "null");
        await Answer(api, workshopId, "personas", "null");
        await Answer(api, workshopId, "disqualifiers", """["outside-regions"]""");
        var done = await Answer(api, workshopId, "weights", """{"industry": 40}""");
        Assert.Equal("Companies in Transportation and Warehousing with 51–200 employees in Home market that recently won a public tender. " +
                     "Not: based outside Home market.", done["preview"]!["summary"]!.GetValue<string>());

        using var complete = await api.PostAsJsonAsync($"/api/workshops/{workshopId}/complete", new { name = "Home logistics" });
        Assert.Equal(HttpStatusCode.Created, complete.StatusCode);
        var icpId = (await complete.Content.ReadFromJsonAsync<JsonObject>())!["icpId"]!.GetValue<Guid>();
        var draft = (await api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}"))!["draft"]!;
        var region = draft["criteria"]!.AsArray().Single(c => c!["key"]!.GetValue<string>() == "region")!;
        Assert.Equal(["DE", "AT"], region["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["won_tender"], draft["criteria"]!.AsArray().Single(c => c!["key"]!.GetValue<string>() == "trigger")!["values"]!
            .AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["DE", "AT"], draft["disqualifiers"]![0]!["values"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task Refused_completions_are_field_problems_and_a_second_completion_is_a_409_naming_the_icp()
    {
        var api = icp.ClientFor(Guid.NewGuid());
        var workshopId = await Start(api);
        await Answer(api, workshopId, "industries", """["Wholesale Trade"]""");

        var unnamed = await Problem(await api.PostAsJsonAsync($"/api/workshops/{workshopId}/complete", new { name = " " }),
            HttpStatusCode.BadRequest, "The request is invalid.");
        Assert.Equal("The ICP needs a name.", unnamed["errors"]!["name"]![0]!.GetValue<string>());
        var unfinished = await Problem(await api.PostAsJsonAsync($"/api/workshops/{workshopId}/complete", new { name = "Early" }),
            HttpStatusCode.UnprocessableEntity, "The workshop is not finished.");
        Assert.Equal("Not answered yet.", unfinished["errors"]!["company-size"]![0]!.GetValue<string>());
        Assert.False(unfinished["errors"]!.AsObject().ContainsKey("industries"));

        foreach (var (questionId, answer) in WorkshopScript.LogisticsAnswers.Skip(1)) await Answer(api, workshopId, questionId, answer);
        using var complete = await api.PostAsJsonAsync($"/api/workshops/{workshopId}/complete", new { name = "Logistics" });
        Assert.Equal(HttpStatusCode.Created, complete.StatusCode);
        var icpId = (await complete.Content.ReadFromJsonAsync<JsonObject>())!["icpId"]!.GetValue<Guid>();

        var again = await Problem(await api.PostAsJsonAsync($"/api/workshops/{workshopId}/complete", new { name = "Twice" }),
            HttpStatusCode.Conflict, "The workshop is already complete.");
        Assert.Equal(icpId, again["icpId"]!.GetValue<Guid>());
        Assert.Equal($"It became ICP {icpId}.", again["errors"]!["workshopId"]![0]!.GetValue<string>());
    }

    private static async Task<JsonObject> Problem(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(body)!.AsObject();
            Assert.Equal(title, problem["title"]!.GetValue<string>());
            Assert.Equal((int)status, problem["status"]!.GetValue<int>());
            return problem;
        }
    }
}
