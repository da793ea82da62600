using GrowthKit.ServiceDefaults.DeadLettering;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GrowthKit.Platform.Messaging.Resilience;

/// <summary>The platform team's view of a service's dead letters; reached only through the gateway's admin API.</summary>
public static class DeadLetterEndpoints
{
    /// <summary>Maps <c>internal/dead-letters</c> for a service on the bus (<see cref="Messaging.AddGrowthKitMessaging"/>); nothing otherwise.</summary>
    public static WebApplication MapDeadLetterEndpoints(this WebApplication app)
    {
        if (app.Services.GetService<DeadLetters>() is null) return app;
        var service = app.Environment.ApplicationName;
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
