using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrowthKit.Testing;

/// <summary>One span as a service exported it; times in Unix nanoseconds.</summary>
public sealed record ReceivedSpan(
    string Service, string TraceId, string SpanId, string ParentSpanId, string Name, string? DbStatement,
    ulong StartNanos, ulong EndNanos)
{
    public double Milliseconds => EndNanos > StartNanos ? (EndNanos - StartNanos) / 1e6 : 0;
}

/// <summary>
/// An in-memory OTLP/HTTP trace receiver in the test or benchmark process: the services run as
/// separate processes, so their spans come here over the wire. It reads, by field number (the
/// generated OTLP types are not available as a package), what the tests and a profile of a run
/// need — the service, ids, parent, name, start and end, and the SQL text of database spans.
/// Metrics and logs are accepted and dropped.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private WebApplication? _app;
    private long _requests;

    public string Endpoint { get; private set; } = "";
    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;
    public long Requests => Interlocked.Read(ref _requests);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // A benchmark's exports are large.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref _requests);
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

    // ExportTraceServiceRequest{1: ResourceSpans{1: Resource{1: KeyValue}, 2: ScopeSpans{2: Span}}}
    private static IEnumerable<ReceivedSpan> ParseExportRequest(byte[] payload)
    {
        foreach (var resourceSpans in Fields(payload, 1))
        {
            var service = "";
            foreach (var resource in Fields(resourceSpans, 1))
            foreach (var attribute in Fields(resource, 1))
            {
                if (Text(attribute, 1) == "service.name")
                    service = Fields(attribute, 2).Select(v => Text(v, 1)).FirstOrDefault() ?? "";
            }
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            foreach (var span in Fields(scopeSpans, 2))
            {
                yield return ParseSpan(service, span);
            }
        }
    }

    // Span{1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 7 start (fixed64), 8 end (fixed64), 9 attributes}
    private static ReceivedSpan ParseSpan(string service, byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        string? statement = null;
        ulong start = 0, end = 0;
        var input = new CodedInputStream(span);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 4: parent = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 5: name = input.ReadString(); break;
                case 7: start = input.ReadFixed64(); break;
                case 8: end = input.ReadFixed64(); break;
                case 9:
                    var attribute = input.ReadBytes().ToByteArray();
                    if (Text(attribute, 1) is "db.query.text" or "db.statement")
                        statement = Fields(attribute, 2).Select(v => Text(v, 1)).FirstOrDefault();
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return new ReceivedSpan(service, traceId, spanId, parent, name, statement, start, end);
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
