using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using GrowthKit.Gateway.Proxy;
using GrowthKit.ServiceDefaults.Resilience;
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
        var reports = await Task.WhenAll(ProxyRoutes.Services.Select(async service =>
        {
            try
            {
                using var request = Request(HttpMethod.Get, service, "internal/dead-letters", user, services, clock);
                using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
                response.EnsureSuccessStatusCode();
                var report = (await response.Content.ReadFromJsonAsync<DeadLetterReport>(ct))!;
                return new ServiceDeadLetters(service, report.Total, report.Queues, null);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                return new ServiceDeadLetters(service, 0, [], $"{service} did not answer: {e.Message}");
            }
        }));
        return TypedResults.Ok(new DeadLettersView(reports.Sum(r => r.Total), reports));
    }

    private static async Task<Ok<RedriveView>> Redrive(ClaimsPrincipal user, IHttpClientFactory clients,
        IServiceProvider services, TimeProvider clock, CancellationToken ct)
    {
        var reports = await Task.WhenAll(ProxyRoutes.Services.Select(async service =>
        {
            try
            {
                using var request = Request(HttpMethod.Post, service, "internal/dead-letters/redrive", user, services, clock);
                using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
                response.EnsureSuccessStatusCode();
                var report = (await response.Content.ReadFromJsonAsync<RedriveReport>(ct))!;
                return new ServiceRedrive(service, report.Moved, null);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                return new ServiceRedrive(service, 0, $"{service} did not answer: {e.Message}");
            }
        }));
        return TypedResults.Ok(new RedriveView(reports.Sum(r => r.Moved), reports));
    }

    private static HttpRequestMessage Request(HttpMethod method, string service, string path, ClaimsPrincipal user,
        IServiceProvider services, TimeProvider clock)
    {
        var key = services.GetRequiredService<SymmetricSecurityKey>();
        var request = new HttpRequestMessage(method, $"http://{service}/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            InternalToken.CreatePlatform(key, user.Identity?.Name ?? "platform", clock.GetUtcNow()));
        return request;
    }
}
