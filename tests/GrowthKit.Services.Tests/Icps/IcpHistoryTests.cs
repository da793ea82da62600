using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Icp.Icps;
using GrowthKit.Model;
using GrowthKit.Services.Tests.Infrastructure;
using JasperFx.Events.Daemon;
using Marten;

namespace GrowthKit.Services.Tests.Icps;

/// <summary>History, versions, as-of, diff and concurrency of the ICP service against real PostgreSQL.</summary>
[Collection(ServersCollection.Name)]
public sealed class IcpHistoryTests(TestServers servers, IcpService icp) : IClassFixture<IcpService>, IAsyncLifetime
{
    public Task InitializeAsync() => icp.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Lifecycle(HttpClient Api, Guid IcpId, DateTimeOffset BeforeSecondEdit);

    /// <summary>Draft, publish v1, edit twice with reasons, publish v2.</summary>
    private async Task<Lifecycle> LiveThroughTwoVersions(Guid tenant)
    {
        var api = icp.ClientFor(tenant, "alice");
        var created = await api.PostAsJsonAsync("/api/icps", Samples.Definition());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var icpId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["icpId"]!.GetValue<Guid>();

        await Send(api, HttpMethod.Post, $"/api/icps/{icpId}/publish", new { reason = "first release" }, "\"1\"", HttpStatusCode.OK);
        await Send(api, HttpMethod.Put, $"/api/icps/{icpId}",
            new { definition = Samples.ChangedDefinition(), reason = "pain matters more" }, "\"2\"", HttpStatusCode.OK);
        var beforeSecondEdit = DateTimeOffset.UtcNow;
        await Task.Delay(50); // separates the two edits in time for the as-of query
        var renamed = Samples.ChangedDefinition() with
        {
            Name = "Logistics operators, DACH",
            Criteria = Samples.ChangedDefinition().Criteria!.Where(c => c.Key != "sales-led").ToList(),
        };
        await Send(api, HttpMethod.Put, $"/api/icps/{icpId}", new { definition = renamed, reason = "sales-led did not predict" },
            "\"3\"", HttpStatusCode.OK);
        await Send(api, HttpMethod.Post, $"/api/icps/{icpId}/publish", new { reason = "second release" }, null, HttpStatusCode.OK);
        return new Lifecycle(api, icpId, beforeSecondEdit);
    }

    private static async Task<HttpResponseMessage> Send(HttpClient api, HttpMethod method, string path, object body, string? ifMatch,
        HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: Json) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var response = await api.SendAsync(request);
        Assert.True(expected == response.StatusCode, $"{method} {path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    [Fact]
    public async Task Versions_history_diff_and_as_of_are_replayed_from_the_stream()
    {
        var (api, icpId, beforeSecondEdit) = await LiveThroughTwoVersions(Guid.NewGuid());

        var versions = (await api.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/versions"))!;
        Assert.Equal([1, 2], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal(["first release", "second release"], versions.Select(v => v!["reason"]!.GetValue<string>()));
        Assert.All(versions, v => Assert.Equal("alice", v!["publishedBy"]!.GetValue<string>()));

        var v1 = (await api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/versions/1"))!;
        Assert.Equal(CanonicalJson.Of(Samples.Definition()),
            CanonicalJson.Of(v1["definition"].Deserialize<IcpDefinition>(ModelJson.Options)!));

        var history = (await api.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/history"))!;
        Assert.Equal(["IcpDrafted", "IcpPublished", "CriterionChanged", "IcpRenamed", "CriterionRemoved", "IcpPublished"],
            history.Select(h => h!["type"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, 6), history.Select(h => h!["revision"]!.GetValue<int>()));
        Assert.Equal("pain matters more", history[2]!["reason"]!.GetValue<string>());
        Assert.Equal("pain", history[2]!["data"]!["key"]!.GetValue<string>());
        Assert.All(history, h => Assert.Equal("alice", h!["by"]!.GetValue<string>()));

        var diff = (await api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/diff?from=1&to=2"))!["changes"]!;
        Assert.Equal(["sales-led"], diff["criteria"]!["removed"]!.AsArray().Select(c => c!["key"]!.GetValue<string>()));
        Assert.Equal(["pain"], diff["criteria"]!["changed"]!.AsArray().Select(c => c!["key"]!.GetValue<string>()));
        Assert.Empty(diff["criteria"]!["added"]!.AsArray());
        Assert.Equal("Logistics operators, DACH", diff["name"]!["to"]!.GetValue<string>());

        var then = (await api.GetFromJsonAsync<JsonObject>(
            $"/api/icps/{icpId}?asOf={Uri.EscapeDataString(beforeSecondEdit.ToString("O"))}"))!;
        Assert.Equal(3, then["revision"]!.GetValue<int>());
        Assert.Equal(1, then["published"]!["version"]!.GetValue<int>());
        Assert.Equal("Mid-market logistics operators", then["draft"]!["name"]!.GetValue<string>());
        Assert.Equal(12m, then["draft"]!["criteria"]!.AsArray().Single(c => c!["key"]!.GetValue<string>() == "pain")!["weight"]!.GetValue<decimal>());

        using var beforeCreation = await api.GetAsync($"/api/icps/{icpId}?asOf=2000-01-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.NotFound, beforeCreation.StatusCode);
    }

    [Fact]
    public async Task Every_answer_is_the_same_after_a_restart_and_after_the_read_model_is_rebuilt()
    {
        var (api, icpId, beforeSecondEdit) = await LiveThroughTwoVersions(Guid.NewGuid());
        var tenant = api.DefaultRequestHeaders.Authorization!;
        string[] routes =
        [
            $"/api/icps/{icpId}", $"/api/icps/{icpId}/versions", $"/api/icps/{icpId}/versions/1", $"/api/icps/{icpId}/versions/2",
            $"/api/icps/{icpId}/history", $"/api/icps/{icpId}/diff?from=1&to=2",
            $"/api/icps/{icpId}?asOf={Uri.EscapeDataString(beforeSecondEdit.ToString("O"))}",
        ];
        var before = await Task.WhenAll(routes.Select(r => api.GetStringAsync(r)));

        await icp.RestartAsync();
        using var again = icp.ClientFor(TenantOf(tenant));
        Assert.Equal(before, await Task.WhenAll(routes.Select(r => again.GetStringAsync(r))));

        // Drop the ICP read model entirely and rebuild it from the events.
        await using (var session = icp.Store.LightweightSession())
        {
            session.QueueSqlCommand("delete from icp.mt_doc_icpstate");
            await session.SaveChangesAsync();
        }
        using (var daemon = await icp.Store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync<IcpState>(CancellationToken.None);
        }
        Assert.Equal(before, await Task.WhenAll(routes.Select(r => again.GetStringAsync(r))));
    }

    private static Guid TenantOf(System.Net.Http.Headers.AuthenticationHeaderValue header)
    {
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(header.Parameter);
        return Guid.Parse(token.GetClaim(GrowthKit.ServiceDefaults.Tenancy.InternalToken.TenantClaim).Value);
    }

    [Fact]
    public async Task Two_editors_of_one_revision_never_overwrite_each_other()
    {
        var tenant = Guid.NewGuid();
        var alice = icp.ClientFor(tenant, "alice");
        var bob = icp.ClientFor(tenant, "bob");
        var created = await alice.PostAsJsonAsync("/api/icps", Samples.Definition());
        var icpId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["icpId"]!.GetValue<Guid>();

        var aliceEdit = Samples.Definition() with { Name = "Alice's name" };
        var bobEdit = Samples.ChangedDefinition();
        var answers = await Task.WhenAll(
            SendRaw(alice, aliceEdit, icpId, "alice renames"),
            SendRaw(bob, bobEdit, icpId, "bob reweighs"));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], answers.Order());
        var history = (await alice.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/history"))!;
        Assert.Equal(2, history.Count);

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/icps/{icpId}")
        {
            Content = JsonContent.Create(new { definition = bobEdit, reason = "retry blindly" }, options: Json),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await bob.SendAsync(stale)).StatusCode);

        using var missing = new HttpRequestMessage(HttpMethod.Put, $"/api/icps/{icpId}")
        {
            Content = JsonContent.Create(new { definition = bobEdit, reason = "no etag" }, options: Json),
        };
        Assert.Equal((HttpStatusCode)428, (await bob.SendAsync(missing)).StatusCode);
        Assert.Equal(2, (await alice.GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/history"))!.Count);
    }

    private static async Task<HttpStatusCode> SendRaw(HttpClient api, IcpDefinition definition, Guid icpId, string reason)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/icps/{icpId}")
        {
            Content = JsonContent.Create(new { definition, reason }, options: Json),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using var response = await api.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_region_group_is_expanded_into_countries_when_the_draft_is_saved()
    {
        var api = icp.ClientFor(Guid.NewGuid());
        var definition = Samples.Definition() with
        {
            Criteria = Samples.Definition().Criteria!
                .Select(c => c.Key == "region" ? c with { Values = [JsonSerializer.SerializeToElement("DACH")] } : c).ToList(),
        };
        var created = await api.PostAsJsonAsync("/api/icps", definition);
        var icpId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["icpId"]!.GetValue<Guid>();

        var draft = (await api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}"))!["draft"]!;
        var region = draft["criteria"]!.AsArray().Single(c => c!["key"]!.GetValue<string>() == "region")!;
        Assert.Equal(["DE", "AT", "CH"], region["values"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task An_event_written_in_an_older_shape_still_replays()
    {
        var tenant = Guid.NewGuid().ToString();
        var icpId = Guid.CreateVersion7();
        var writtenAt = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

        // A store that knows only the old shape, as the service did before IcpDrafted carried a reason.
        using (var oldStore = DocumentStore.For(opts =>
               {
                   opts.Connection(icp.Database);
                   opts.DatabaseSchemaName = "icp";
                   opts.Events.DatabaseSchemaName = "icp";
                   opts.Events.TenancyStyle = JasperFx.MultiTenancy.TenancyStyle.Conjoined;
                   opts.Events.MetadataConfig.HeadersEnabled = true;
                   opts.UseSystemTextJsonForSerialization(Weasel.Core.EnumStorage.AsString, Weasel.Core.Casing.CamelCase);
                   opts.Events.MapEventType<IcpDraftedV1>(IcpEventTypes.IcpDraftedV1Name);
                   opts.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
               }))
        {
            await using var session = oldStore.LightweightSession(tenant);
            session.Events.StartStream(icpId, new IcpDraftedV1(icpId, Samples.Definition(), "legacy-key", writtenAt));
            await session.SaveChangesAsync();
        }

        await using var query = icp.Store.QuerySession(tenant);
        var state = await query.Events.AggregateStreamAsync<IcpState>(icpId);
        Assert.NotNull(state);
        Assert.Equal(1, state.Revision);
        Assert.Equal(CanonicalJson.Of(Samples.Definition()), CanonicalJson.Of(state.Draft));

        var events = await query.Events.FetchStreamAsync(icpId);
        var drafted = Assert.IsType<IcpDrafted>(Assert.Single(events).Data);
        Assert.Equal(new IcpDrafted(icpId, drafted.Definition, "legacy-key", null, writtenAt), drafted);

        var history = (await icp.ClientFor(Guid.Parse(tenant)).GetFromJsonAsync<JsonArray>($"/api/icps/{icpId}/history"))!;
        Assert.Equal("IcpDrafted", history.Single()!["type"]!.GetValue<string>());
        Assert.Equal("legacy-key", history.Single()!["by"]!.GetValue<string>());
    }
}
