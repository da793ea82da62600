using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GrowthKit.Testing;

public sealed record ReceivedSpan(string Service, string TraceId, string Name);

/// <summary>
/// An in-memory OTLP/HTTP trace receiver in the test host: the services run as separate processes,
/// so their spans come here over the wire. It reads only the few protobuf fields the tests need
/// (ExportTraceServiceRequest → ResourceSpans → resource attributes and ScopeSpans → Span), by field
/// number, since the generated OTLP types are not available as a package.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private WebApplication? _app;

    public string Endpoint { get; private set; } = "";
    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            foreach (var span in ParseExportRequest(buffer.ToArray())) _spans.Enqueue(span);
            return Results.Bytes([], "application/x-protobuf");
        });
        _app.MapPost("/v1/{signal}", () => Results.Bytes([], "application/x-protobuf"));
        await _app.StartAsync();
        Endpoint = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    private static IEnumerable<ReceivedSpan> ParseExportRequest(byte[] payload)
    {
        foreach (var resourceSpans in Fields(payload, 1))
        {
            var service = "";
            foreach (var resource in Fields(resourceSpans, 1))
            foreach (var attribute in Fields(resource, 1))
            {
                if (Text(attribute, 1) == "service.name")
                {
                    service = Fields(attribute, 2).Select(v => Text(v, 1)).FirstOrDefault() ?? "";
                }
            }
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            foreach (var span in Fields(scopeSpans, 2))
            {
                var traceId = Convert.ToHexStringLower(Fields(span, 1).FirstOrDefault() ?? []);
                yield return new ReceivedSpan(service, traceId, Text(span, 5) ?? "");
            }
        }
    }

    private static string? Text(byte[] message, int field) =>
        Fields(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b)).FirstOrDefault();

    /// <summary>The raw bytes of every length-delimited occurrence of <paramref name="field"/>.</summary>
    private static List<byte[]> Fields(byte[] message, int field)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field &&
                WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }
        return found;
    }
}
