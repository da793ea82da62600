using System.Collections.Concurrent;
using MassTransit;

namespace GrowthKit.Services.Tests.Infrastructure;

/// <summary>
/// Every <typeparamref name="T"/> published on the broker, with its message id, from a temporary queue
/// bound on a running service's bus (a bystander, like another service would be).
/// </summary>
public sealed class BusInbox<T> : IAsyncDisposable where T : class
{
    private readonly ConcurrentQueue<(Guid? MessageId, T Message)> _received = new();
    private HostReceiveEndpointHandle? _handle;

    public IReadOnlyList<(Guid? MessageId, T Message)> Received => [.. _received];

    public static async Task<BusInbox<T>> ConnectAsync(IBus bus)
    {
        var inbox = new BusInbox<T>();
        inbox._handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, e =>
            e.Handler<T>(context =>
            {
                inbox._received.Enqueue((context.MessageId, context.Message));
                return Task.CompletedTask;
            }));
        await inbox._handle.Ready;
        return inbox;
    }

    public Task<IReadOnlyList<(Guid? MessageId, T Message)>> WaitForAsync(Func<T, bool> match, int count, string what) =>
        Eventually.Until(() => Task.FromResult<IReadOnlyList<(Guid? MessageId, T Message)>>([.. _received.Where(r => match(r.Message))]),
            r => r.Count >= count, what);

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null) await _handle.StopAsync();
    }
}
