using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace GrowthKit.Testing.Crm;

/// <summary>A request a fake CRM received: what a test asserts the connector sent.</summary>
public sealed record CrmCall(string Method, string Path, IReadOnlyDictionary<string, string> Query, JsonNode? Body, DateTimeOffset At);

/// <summary>
/// An in-process CRM on WireMock.Net: one catch-all mapping whose callback plays the vendor's API
/// from in-memory records, so paging, searches and write-back behave as documented and stay stateful.
/// </summary>
public abstract class FakeCrm : IDisposable
{
    private readonly WireMockServer _server;
    private readonly SemaphoreSlim _lock = new(1, 1);

    protected FakeCrm()
    {
        _server = WireMockServer.Start();
        _server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(HandleAsync));
    }

    public string Url => _server.Url! + "/";

    public ConcurrentQueue<CrmCall> Calls { get; } = new();

    /// <summary>Calls to answer 429 before answering normally (with <see cref="RetryAfterSeconds"/>).</summary>
    public int RateLimitNext { get; set; }

    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>When set, a matching call waits for this before it is answered (a slow or hanging CRM).</summary>
    public (Func<CrmCall, bool> Matches, TaskCompletionSource Release)? Hold { get; set; }

    public IEnumerable<CrmCall> CallsTo(string method, string pathStart) =>
        Calls.Where(c => c.Method == method && c.Path.StartsWith(pathStart, StringComparison.Ordinal));

    private async Task<IResponseMessage> HandleAsync(IRequestMessage request)
    {
        var call = new CrmCall(request.Method, request.Path,
            request.Query?.ToDictionary(q => q.Key, q => q.Value.ToString()!) ?? [],
            string.IsNullOrEmpty(request.Body) ? null : JsonNode.Parse(request.Body), DateTimeOffset.UtcNow);
        Calls.Enqueue(call);
        if (Hold is { } hold && hold.Matches(call)) await hold.Release.Task;

        await _lock.WaitAsync();
        try
        {
            if (RateLimitNext > 0)
            {
                RateLimitNext--;
                return RateLimited();
            }
            var headers = request.Headers?.ToDictionary(h => h.Key, h => h.Value.ToString()!, StringComparer.OrdinalIgnoreCase) ?? [];
            return Answer(call, headers);
        }
        finally
        {
            _lock.Release();
        }
    }

    protected abstract ResponseMessage Answer(CrmCall call, IReadOnlyDictionary<string, string> headers);

    protected abstract ResponseMessage RateLimited();

    protected static ResponseMessage Json(int status, object body, params (string Name, string Value)[] headers)
    {
        var message = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData
            {
                BodyAsString = body is JsonNode node ? node.ToJsonString() : JsonSerializer.Serialize(body),
                DetectedBodyType = BodyType.String,
                Encoding = Encoding.UTF8,
            },
        };
        message.AddHeader("Content-Type", "application/json");
        foreach (var (name, value) in headers) message.AddHeader(name, value);
        return message;
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        GC.SuppressFinalize(this);
    }
}
