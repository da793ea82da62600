using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>The guided workshop through the gateway: from nothing to a published ICP that scores a lead.</summary>
[Collection(GrowthKitCollection.Name)]
public sealed class WorkshopTests(GrowthKitApp system)
{
    private static readonly string[] QuestionOrder =
        ["industries", "company-size", "revenue", "regions", "buying-triggers", "pain-points", "personas", "disqualifiers", "weights"];

    private static async Task<(Guid Id, JsonObject Question)> Start(HttpClient api)
    {
        using var response = await api.PostAsync("/api/workshops", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadObject();
        var id = Guid.Parse(body["workshopId"]!.GetValue<string>());
        Assert.EndsWith($"/api/workshops/{id}", response.Headers.Location!.ToString());
        return (id, body["question"]!.AsObject());
    }

    private static async Task<JsonObject> Answer(HttpClient api, Guid workshopId, string questionId, string answer,
        HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = new JsonObject { ["questionId"] = questionId, ["answer"] = JsonNode.Parse(answer) };
        using var response = await api.PostAsJsonAsync($"/api/workshops/{workshopId}/answers", body);
        Assert.True(expected == response.StatusCode, $"{questionId}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadObject();
    }

    private static string NextQuestion(JsonObject response) => response["question"]!["id"]!.GetValue<string>();

    private static JsonObject Lead(string externalId, string country, int employees, string[] signals, string[] pains) => new()
    {
        ["externalId"] = externalId,
        ["company"] = new JsonObject
        {
            ["name"] = $"{externalId} GmbH", ["industry"] = "Transportation and Warehousing",
            ["employeeCount"] = employees, ["country"] = country,
        },
        ["signals"] = new JsonArray([.. signals.Select(s => (JsonNode)s)]),
        ["painPoints"] = new JsonArray([.. pains.Select(p => (JsonNode)p)]),
        ["contact"] = new JsonObject { ["title"] = "Head of Operations", ["seniority"] = "head", ["department"] = "operations" },
    };

    [Fact]
    public async Task A_full_workshop_becomes_a_draft_that_once_published_scores_a_lead()
    {
        var tenant = await system.CreateTenantAsync();
        var api = tenant.Api;

        var (workshopId, first) = await Start(api);
        Assert.Equal("industries", first["id"]!.GetValue<string>());
        Assert.Equal("multi", first["kind"]!.GetValue<string>());
        Assert.Contains(first["options"]!.AsArray(), o => o!["value"]!.GetValue<string>() == "Transportation and Warehousing");

        var asked = new List<string> { "industries" };
        asked.Add(NextQuestion(await Answer(api, workshopId, "industries", """["Transportation and Warehousing", "wholesale"]""")));
        asked.Add(NextQuestion(await Answer(api, workshopId, "company-size", """{"min": 10, "max": 100}""")));
        asked.Add(NextQuestion(await Answer(api, workshopId, "revenue", "null")));
        asked.Add(NextQuestion(await Answer(api, workshopId, "regions", """["DACH"]""")));

        // Changing an earlier answer leads back to the first question still unanswered.
        Assert.Equal("buying-triggers", NextQuestion(await Answer(api, workshopId, "company-size", """{"min": 50, "max": 500}""")));

        asked.Add(NextQuestion(await Answer(api, workshopId, "buying-triggers", """["funding_round", "Hired a new Head of Operations"]""")));
        asked.Add(NextQuestion(await Answer(api, workshopId, "pain-points", """["manual_dispatch"]""")));
        asked.Add(NextQuestion(await Answer(api, workshopId, "personas", """["Head of Operations"]""")));
        var weighing = await Answer(api, workshopId, "disqualifiers", """["fewer than 10 employees", "competitor"]""");
        asked.Add(NextQuestion(weighing));
        Assert.Equal(QuestionOrder, asked);
        Assert.Equal("weights", weighing["question"]!["kind"]!.GetValue<string>());
        Assert.Equal(["industry", "size", "region", "trigger", "pain", "department"],
            weighing["question"]!["options"]!.AsArray().Select(o => o!["value"]!.GetValue<string>()));

        var done = await Answer(api, workshopId, "weights", """{"industry": 30, "size": 25, "region": 20, "trigger": 15, "pain": 10}""");
        Assert.True(done["done"]!.GetValue<bool>());
        var summary = done["preview"]!["summary"]!.GetValue<string>();
        Assert.StartsWith("Companies in Transportation and Warehousing or Wholesale Trade with 50–500 employees in DACH that recently", summary);
        Assert.EndsWith("decided by a Head of Operations. Not: fewer than 10 employees; a competitor.", summary);

        // Resuming shows every answer, skipped ones as null, and no question left.
        var resumed = await api.GetFromJsonAsync<JsonObject>($"/api/workshops/{workshopId}");
        Assert.Equal(QuestionOrder, resumed!["answers"]!.AsObject().Select(a => a.Key));
        Assert.Equal(50, resumed["answers"]!["company-size"]!["min"]!.GetValue<int>());
        Assert.Null(resumed["answers"]!["revenue"]);
        Assert.Equal("hired_a_new_head_of_operations", resumed["answers"]!["buying-triggers"]![1]!.GetValue<string>());
        Assert.True(resumed.ContainsKey("question"));
        Assert.Null(resumed["question"]);
        Assert.True(resumed["done"]!.GetValue<bool>());
        Assert.Equal(summary, resumed["preview"]!["summary"]!.GetValue<string>());

        var history = await api.GetFromJsonAsync<JsonArray>($"/api/workshops/{workshopId}/history");
        var changed = history!.Single(e => e!["type"]!.GetValue<string>() == "WorkshopAnswerChanged")!;
        Assert.Equal("company-size", changed["data"]!["questionId"]!.GetValue<string>());
        Assert.Equal(10, changed["data"]!["previous"]!["min"]!.GetValue<int>());

        Guid icpId;
        using (var complete = await api.PostAsJsonAsync($"/api/workshops/{workshopId}/complete", new { name = "Logistics from the workshop" }))
        {
            Assert.Equal(HttpStatusCode.Created, complete.StatusCode);
            var created = await complete.ReadObject();
            icpId = Guid.Parse(created["icpId"]!.GetValue<string>());
            Assert.Equal(1, created["revision"]!.GetValue<int>());
        }
        using (var again = await api.PostAsJsonAsync($"/api/workshops/{workshopId}/complete", new { name = "Twice" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal(icpId.ToString(), (await again.ReadObject())["icpId"]!.GetValue<string>());
        }

        var icp = await api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}");
        var draft = icp!["draft"]!;
        Assert.Equal("Logistics from the workshop", draft["name"]!.GetValue<string>());
        var criteria = draft["criteria"]!.AsArray().ToDictionary(c => c!["key"]!.GetValue<string>());
        Assert.Equal(["industry", "size", "region", "trigger", "pain", "department"], criteria.Keys);
        Assert.Equal(["DE", "AT", "CH"], criteria["region"]!["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("between", criteria["size"]!["operator"]!.GetValue<string>());
        Assert.Equal(10, criteria["department"]!["weight"]!.GetValue<int>());
        var icpHistory = await api.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/history");
        Assert.Equal($"From workshop {workshopId}", icpHistory![0]!["reason"]!.GetValue<string>());

        Assert.Equal(1, await api.Publish(icpId, "from the workshop"));

        var fits = await api.PushLead(Lead("ws-fit", "DE", 120, ["funding_round"], ["manual_dispatch"]));
        var partly = await api.PushLead(Lead("ws-partly", "US", 120, [], []));
        var tiny = await api.PushLead(Lead("ws-tiny", "AT", 5, ["funding_round"], ["manual_dispatch"]));

        var fitScore = (await api.WaitForLead(fits, l => l.Scores().Count == 1)).Scores()[0]!;
        Assert.Equal(icpId.ToString(), fitScore["icpId"]!.GetValue<string>());
        Assert.Equal(100m, fitScore["score"]!.GetValue<decimal>());
        Assert.Equal("A", fitScore["tier"]!.GetValue<string>());

        // Industry, size and department only: round(100 × 65 / 110, 1) = 59.1.
        var partlyScore = (await api.WaitForLead(partly, l => l.Scores().Count == 1)).Scores()[0]!;
        Assert.Equal(59.1m, partlyScore["score"]!.GetValue<decimal>());
        Assert.Equal("B", partlyScore["tier"]!.GetValue<string>());

        var tinyScore = (await api.WaitForLead(tiny, l => l.Scores().Count == 1)).Scores()[0]!;
        Assert.Equal("disqualified", tinyScore["tier"]!.GetValue<string>());
        Assert.Equal("fewer-than-10-employees", tinyScore["disqualifiedBy"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_tenant_gets_404_on_every_workshop_route()
    {
        var owner = await system.CreateTenantAsync();
        var stranger = await system.CreateTenantAsync();
        var (workshopId, _) = await Start(owner.Api);
        await Answer(owner.Api, workshopId, "industries", """["Retail Trade"]""");

        using (var get = await stranger.Api.GetAsync($"/api/workshops/{workshopId}")) Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        using (var history = await stranger.Api.GetAsync($"/api/workshops/{workshopId}/history"))
        {
            Assert.Equal(HttpStatusCode.NotFound, history.StatusCode);
        }
        await Answer(stranger.Api, workshopId, "industries", """["Utilities"]""", HttpStatusCode.NotFound);
        using (var complete = await stranger.Api.PostAsJsonAsync($"/api/workshops/{workshopId}/complete", new { name = "hijack" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, complete.StatusCode);
        }

        // The owner's workshop is untouched, and an ICP's id is no workshop.
        var resumed = await owner.Api.GetFromJsonAsync<JsonObject>($"/api/workshops/{workshopId}");
        Assert.Equal("Retail Trade", resumed!["answers"]!["industries"]![0]!.GetValue<string>());
        var icpId = await owner.Api.CreateIcp();
        using (var icpAsWorkshop = await owner.Api.GetAsync($"/api/workshops/{icpId}")) Assert.Equal(HttpStatusCode.NotFound, icpAsWorkshop.StatusCode);
        await Answer(owner.Api, icpId, "industries", """["Utilities"]""", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_answers_and_an_early_completion_are_problems_naming_the_field()
    {
        var tenant = await system.CreateTenantAsync();
        var (workshopId, _) = await Start(tenant.Api);

        var unknown = await Answer(tenant.Api, workshopId, "favourite-colour", "\"blue\"", HttpStatusCode.BadRequest);
        Assert.True(unknown["errors"]!.AsObject().ContainsKey("questionId"));
        var wrongShape = await Answer(tenant.Api, workshopId, "industries", """{"sector": 42}""", HttpStatusCode.BadRequest);
        Assert.True(wrongShape["errors"]!.AsObject().ContainsKey("answer"));
        var notYet = await Answer(tenant.Api, workshopId, "regions", """["DACH"]""", HttpStatusCode.UnprocessableEntity);
        Assert.True(notYet["errors"]!.AsObject().ContainsKey("questionId"));

        await Answer(tenant.Api, workshopId, "industries", """["Retail Trade"]""");
        var backwards = await Answer(tenant.Api, workshopId, "company-size", """{"min": 500, "max": 50}""", HttpStatusCode.UnprocessableEntity);
        Assert.True(backwards["errors"]!.AsObject().ContainsKey("answer.min"));

        using (var missing = await tenant.Api.PostAsJsonAsync($"/api/workshops/{workshopId}/answers", new { questionId = "company-size" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.True((await missing.ReadObject())["errors"]!.AsObject().ContainsKey("answer"));
        }

        using var early = await tenant.Api.PostAsJsonAsync($"/api/workshops/{workshopId}/complete", new { name = "Too soon" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early.StatusCode);
        var missingQuestions = (await early.ReadObject())["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Equal(QuestionOrder.Skip(1), missingQuestions);

        var list = await tenant.Api.GetFromJsonAsync<JsonObject>("/api/icps");
        Assert.Empty(list!["items"]!.AsArray());
    }
}
