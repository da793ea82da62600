using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace GrowthKit.ServiceDefaults.Resilience;

public sealed record DeadLetterReport(string Service, IReadOnlyList<DeadLetterQueue> Queues, long Total);

public sealed record RedriveReport(string Service, int Moved);

/// <summary>The platform team's view of a service's dead letters; reached only through the gateway's admin API.</summary>
public static class DeadLetterEndpoints
{
    public static IEndpointRouteBuilder MapDeadLetterEndpoints(this IEndpointRouteBuilder app, string service)
    {
        var group = app.MapGroup("internal/dead-letters")
            .RequireAuthorization(InternalToken.PlatformPolicy)
            .ExcludeFromDescription();
        group.MapGet("/", async Task<Ok<DeadLetterReport>> (DeadLetters letters, CancellationToken ct) =>
        {
            var queues = await letters.CountAsync(ct);
            return TypedResults.Ok(new DeadLetterReport(service, queues, queues.Sum(q => (long)q.Messages)));
        });
        group.MapPost("/redrive", async Task<Ok<RedriveReport>> (DeadLetters letters, CancellationToken ct) =>
            TypedResults.Ok(new RedriveReport(service, await letters.RedriveAsync(ct))));
        return app;
    }
}
