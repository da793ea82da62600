using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using GrowthKit.Gateway.Proxy;
using GrowthKit.ServiceDefaults.DeadLettering;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.IdentityModel.Tokens;

namespace GrowthKit.Gateway.Admin.DeadLetters;

public sealed record ServiceDeadLetters(string Service, long Total, IReadOnlyList<DeadLetterQueue> Queues, string? Error);

public sealed record DeadLettersView(long Total, IReadOnlyList<ServiceDeadLetters> Services);

public sealed record ServiceRedrive(string Service, int Moved, string? Error);

public sealed record RedriveView(int Moved, IReadOnlyList<ServiceRedrive> Services);

/// <summary>
/// The platform team's one place for messages that failed past every retry: how many wait in each
/// service's <c>_error</c> queues, and one call that re-drives them all (<c>eng/redrive.sh</c>).
/// </summary>
public static class DeadLettersApi
{
    public const string ClientName = "dead-letters";

    public static IHostApplicationBuilder AddDeadLetterAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(ClientName, c => c.Timeout = TimeSpan.FromMinutes(2));
        return builder;
    }

    public static RouteGroupBuilder MapDeadLetters(this RouteGroupBuilder admin)
    {
        admin.MapGet("/dead-letters", Read)
            .WithName("ReadDeadLetters")
            .WithSummary("Messages waiting in each service's _error queues (failed past every retry)");
        admin.MapPost("/dead-letters/redrive", Redrive)
            .WithName("RedriveDeadLetters")
            .WithSummary("Move every dead-lettered message back into the queue it failed in; consumers are idempotent");
        return admin;
    }

    private static async Task<Ok<DeadLettersView>> Read(ClaimsPrincipal user, IHttpClientFactory clients,
        IServiceProvider services, TimeProvider clock, CancellationToken ct)
    {
        var reports = await FanOutAsync<DeadLetterReport, ServiceDeadLetters>(HttpMethod.Get, "internal/dead-letters",
            (service, report) => new ServiceDeadLetters(service, report.Total, report.Queues, null),
            (service, error) => new ServiceDeadLetters(service, 0, [], error), user, clients, services, clock, ct);
        return TypedResults.Ok(new DeadLettersView(reports.Sum(r => r.Total), reports));
    }

    private static async Task<Ok<RedriveView>> Redrive(ClaimsPrincipal user, IHttpClientFactory clients,
        IServiceProvider services, TimeProvider clock, CancellationToken ct)
    {
        var reports = await FanOutAsync<RedriveReport, ServiceRedrive>(HttpMethod.Post, "internal/dead-letters/redrive",
            (service, report) => new ServiceRedrive(service, report.Moved, null),
            (service, error) => new ServiceRedrive(service, 0, error), user, clients, services, clock, ct);
        return TypedResults.Ok(new RedriveView(reports.Sum(r => r.Moved), reports));
    }

    /// <summary>The same call to every service behind the gateway; a service that does not answer is reported, not fatal.</summary>
    private static async Task<TView[]> FanOutAsync<TReport, TView>(HttpMethod method, string path,
        Func<string, TReport, TView> answered, Func<string, string, TView> failed, ClaimsPrincipal user,
        IHttpClientFactory clients, IServiceProvider services, TimeProvider clock, CancellationToken ct) =>
        await Task.WhenAll(ProxyRoutes.Services.Select(async service =>
        {
            try
            {
                using var request = Request(method, service, path, user, services, clock);
                using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
                response.EnsureSuccessStatusCode();
                return answered(service, (await response.Content.ReadFromJsonAsync<TReport>(ct))!);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                return failed(service, $"{service} did not answer: {e.Message}");
            }
        }));

    private static HttpRequestMessage Request(HttpMethod method, string service, string path, ClaimsPrincipal user,
        IServiceProvider services, TimeProvider clock)
    {
        var key = services.GetRequiredService<ECDsaSecurityKey>();
        var request = new HttpRequestMessage(method, $"http://{service}/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            InternalToken.CreatePlatform(key, service, user.Identity?.Name ?? "platform", clock.GetUtcNow()));
        return request;
    }
}
