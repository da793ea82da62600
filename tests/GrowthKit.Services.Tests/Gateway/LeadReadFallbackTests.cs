using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using GrowthKit.Gateway.Authentication;
using GrowthKit.Gateway.Proxy;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrowthKit.Services.Tests.Gateway;

/// <summary>
/// The gateway's proxy (its real routes, transforms and pipeline) in front of a stand-in scoring service
/// and a stand-in leads service that checks the internal token as the real one does: a single-lead read
/// goes to scoring, and to the leads service only when scoring answers 404.
/// </summary>
public sealed class LeadReadFallbackTests : IAsyncLifetime
{
    private static readonly (string Private, string Public) Keys = InternalToken.NewKeyPair();
    private readonly Guid _tenant = Guid.NewGuid();
    private readonly Guid _scored = Guid.NewGuid();
    private readonly Guid _accepted = Guid.NewGuid();
    private readonly ConcurrentQueue<string> _scoringCalls = new();
    private readonly ConcurrentQueue<string> _leadsCalls = new();
    private readonly List<WebApplication> _hosts = [];
    private string _scoringUrl = "";
    private string _leadsUrl = "";

    public async Task InitializeAsync()
    {
        _scoringUrl = await StartScoringAsync();
        _leadsUrl = await StartLeadsAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }

    [Fact]
    public async Task A_lead_scoring_has_recorded_is_its_answer_and_the_leads_service_is_not_asked()
    {
        using var api = await StartGatewayAsync(_leadsUrl);

        var byId = await ReadAsync(api, $"/api/leads/{_scored}", HttpStatusCode.OK);
        var byExternalId = await ReadAsync(api, "/api/leads/by-external-id/scored-1", HttpStatusCode.OK);

        Assert.Equal("scoring", byId["from"]!.GetValue<string>());
        Assert.Equal("scoring", byExternalId["from"]!.GetValue<string>());
        Assert.Equal(2, _scoringCalls.Count);
        Assert.Empty(_leadsCalls);
    }

    [Fact]
    public async Task A_lead_scoring_does_not_know_yet_is_the_leads_services_answer_with_a_token_for_it()
    {
        using var api = await StartGatewayAsync(_leadsUrl);

        var byId = await ReadAsync(api, $"/api/leads/{_accepted}?x=1", HttpStatusCode.OK);
        var byExternalId = await ReadAsync(api, "/api/leads/by-external-id/accepted-1", HttpStatusCode.OK);

        foreach (var lead in new[] { byId, byExternalId })
        {
            Assert.Equal("leads", lead["from"]!.GetValue<string>());
            // The stand-in accepts only a token addressed to the leads service; it echoes the tenant in it.
            Assert.Equal(_tenant.ToString(), lead["tenant"]!.GetValue<string>());
        }
        Assert.Equal([$"/internal/leads/{_accepted}?x=1", "/internal/leads/by-external-id/accepted-1"], _leadsCalls);
        Assert.Equal([$"/api/leads/{_accepted}?x=1", "/api/leads/by-external-id/accepted-1"], _scoringCalls);
    }

    [Fact]
    public async Task A_lead_neither_knows_is_the_leads_services_404_problem()
    {
        using var api = await StartGatewayAsync(_leadsUrl);

        var problem = await ReadAsync(api, $"/api/leads/{Guid.NewGuid()}", HttpStatusCode.NotFound);

        Assert.Equal("Lead not found.", problem["title"]!.GetValue<string>());
        Assert.Equal("leads", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task When_the_leads_service_cannot_be_reached_scorings_404_is_the_answer()
    {
        using var api = await StartGatewayAsync(ClosedPortUrl());

        var problem = await ReadAsync(api, $"/api/leads/{_accepted}", HttpStatusCode.NotFound);
        var scored = await ReadAsync(api, $"/api/leads/{_scored}", HttpStatusCode.OK);

        Assert.Equal("Lead not found.", problem["title"]!.GetValue<string>());
        Assert.Equal("scoring", problem["detail"]!.GetValue<string>());
        Assert.Equal("scoring", scored["from"]!.GetValue<string>());
    }

    [Fact]
    public async Task Other_lead_reads_are_not_sent_on_to_the_leads_service()
    {
        using var api = await StartGatewayAsync(_leadsUrl);

        await ReadAsync(api, "/api/leads/export?icpId=x", HttpStatusCode.NotFound);
        await ReadAsync(api, $"/api/leads/{_accepted}/scores", HttpStatusCode.NotFound);

        Assert.Equal(2, _scoringCalls.Count);
        Assert.Empty(_leadsCalls);
    }

    private async Task<string> StartScoringAsync()
    {
        var app = NewHost().Build();
        app.Use(async (context, next) =>
        {
            _scoringCalls.Enqueue(context.Request.Path + context.Request.QueryString);
            await next(context);
        });
        app.MapGet("/api/leads/{leadId:guid}", (Guid leadId) => Answer(leadId == _scored, "scoring"));
        app.MapGet("/api/leads/by-external-id/{externalId}", (string externalId) => Answer(externalId == "scored-1", "scoring"));
        app.MapGet("/api/leads/{**rest}", () => Answer(false, "scoring"));
        return await StartAsync(app);
    }

    private async Task<string> StartLeadsAsync()
    {
        var builder = NewHost();
        builder.Configuration[InternalToken.PublicKeyConfigurationKey] = Keys.Public;
        builder.AddTenantAuthentication("leads");
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            _leadsCalls.Enqueue(context.Request.Path + context.Request.QueryString);
            await next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/internal/leads/{leadId:guid}", (Guid leadId, ClaimsPrincipal user) => Answer(leadId == _accepted, "leads", user));
        app.MapGet("/internal/leads/by-external-id/{externalId}", (string externalId, ClaimsPrincipal user) =>
            Answer(externalId == "accepted-1", "leads", user));
        return await StartAsync(app);
    }

    private async Task<HttpClient> StartGatewayAsync(string leadsUrl)
    {
        var builder = NewHost();
        builder.Configuration[InternalToken.PrivateKeyConfigurationKey] = Keys.Private;
        foreach (var service in ProxyRoutes.Services.Append(ProxyRoutes.WebAppService))
        {
            builder.Configuration[$"services:{service}:http:0"] = service switch
            {
                "scoring" => _scoringUrl,
                "leads" => leadsUrl,
                _ => ClosedPortUrl(),
            };
        }
        builder.Services.AddServiceDiscovery();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new TenantHandler.Tenant(_tenant));
        builder.Services.AddAuthentication(TenantHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TenantHandler>(TenantHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(GatewayAuthentication.TenantPolicy, p => p.RequireAuthenticatedUser());
        builder.AddGatewayProxy();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGatewayProxy();
        return new HttpClient { BaseAddress = new Uri(await StartAsync(app)), Timeout = TimeSpan.FromSeconds(30) };
    }

    private static IResult Answer(bool known, string service, ClaimsPrincipal? user = null) => known
        ? Results.Json(new { from = service, tenant = user?.FindFirstValue(InternalToken.TenantClaim) })
        : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Lead not found.", detail: service);

    private static WebApplicationBuilder NewHost()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder;
    }

    private async Task<string> StartAsync(WebApplication app)
    {
        _hosts.Add(app);
        await app.StartAsync();
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>An address nothing listens on: a port the system just gave out and took back.</summary>
    private static string ClosedPortUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    private static async Task<JsonObject> ReadAsync(HttpClient api, string path, HttpStatusCode expected)
    {
        using var response = await api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path} → {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Every request is the one tenant's, as the gateway's API-key handler would have it.</summary>
    private sealed class TenantHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
        UrlEncoder encoder, TenantHandler.Tenant tenant) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "test-tenant";

        public sealed record Tenant(Guid Id);

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var identity = new ClaimsIdentity(
            [
                new Claim(InternalToken.TenantClaim, tenant.Id.ToString()),
                new Claim(InternalToken.ActorClaim, "alice"),
                new Claim(InternalToken.KeyIdClaim, Guid.NewGuid().ToString()),
            ], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
