using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>A tenant's endpoint: a small Kestrel app on loopback that records every POST and answers as a test says, per path.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Path, IHeaderDictionary Headers, string Body);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, Func<int, Task<int>>> _answers = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Path.Value!;
            receiver._received.Enqueue(new Received(path, new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value)), body));
            var n = receiver._counts.AddOrUpdate(path, 1, (_, c) => c + 1);
            var status = receiver._answers.TryGetValue(path, out var answer) ? await answer(n) : 200;
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>A new path of its own, answered by <paramref name="answer"/> (given the 1-based number of the request).</summary>
    public string Endpoint(Func<int, Task<int>>? answer = null)
    {
        var path = "/hooks/" + Guid.NewGuid().ToString("N");
        if (answer is not null) _answers[path] = answer;
        return BaseUrl + path;
    }

    public IReadOnlyList<Received> At(string url) => [.. _received.Where(r => url.EndsWith(r.Path, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
