using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace GrowthKit.Platform.Messaging;

/// <summary>
/// An installation that ran before quorum queues has its queues declared CLASSIC, and RabbitMQ refuses
/// to redeclare a queue with another type (PRECONDITION_FAILED, inequivalent arg 'x-queue-type').
/// Before the bus declares an endpoint, this turns its classic queue (and its <c>_error</c> and
/// <c>_skipped</c> queues) into a quorum queue without losing a message, over AMQP alone (the
/// management plugin may be absent, and a cluster operator's broker gives no shell):
/// <list type="number">
/// <item>a classic queue with consumers means the previous version still runs: refuse, start-up fails;</item>
/// <item>a quorum holding queue <c>Q.quorum-upgrade</c> is bound to the endpoint's exchange, so what
///   is published meanwhile lands there too;</item>
/// <item>every message moves from Q to the holding queue (each acknowledged after the broker confirmed
///   its copy), then Q is deleted if empty, else the move goes on;</item>
/// <item>Q is declared as a quorum queue with the endpoint's arguments and bound again; the holding
///   queue is unbound, emptied into Q and deleted.</item>
/// </list>
/// Idempotent: a quorum queue is left alone, and a run cut short resumes (the holding queue is quorum
/// and durable). Messages published while both queues were bound arrive twice; consumers are
/// idempotent (at-least-once is the contract).
/// </summary>
public sealed class QuorumQueueUpgrade(IConnection connection, ILogger logger)
{
    public const string HoldingSuffix = ".quorum-upgrade";
    private const ushort NotFound = 404;
    private const ushort PreconditionFailed = 406;
    private static readonly CreateChannelOptions Confirmed = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    /// <summary>Makes <paramref name="queue"/> a quorum queue with <paramref name="arguments"/> if it is classic; true when it moved one.</summary>
    public async Task<bool> UpgradeAsync(string queue, IDictionary<string, object?> arguments, CancellationToken ct)
    {
        var holding = queue + HoldingSuffix;
        var state = await InspectAsync(queue, arguments, ct);
        if (state == QueueState.Missing && await ExistsAsync(holding, ct))
        {
            // A run stopped between deleting Q and filling it: finish it.
            await DeclareAsync(queue, arguments, ct);
            state = QueueState.Quorum;
        }
        if (state == QueueState.Missing) return false;
        if (state == QueueState.InUse) throw InUse(queue);
        if (state == QueueState.Quorum)
        {
            if (!await ExistsAsync(holding, ct)) return false;
            await FinishAsync(queue, holding, ct);
            return true;
        }

        var exchangeExists = await ExchangeExistsAsync(queue, ct);
        await DeclareAsync(holding, HoldingArguments(arguments), ct);
        if (exchangeExists) await BindAsync(holding, queue, ct);

        for (var round = 1; ; round++)
        {
            var moved = await MoveAsync(queue, holding, ct);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            try
            {
                await channel.QueueDeleteAsync(queue, ifUnused: true, ifEmpty: true, cancellationToken: ct);
                logger.LogWarning("Queue {Queue} was classic: moved {Count} messages aside and deleted it to declare it as a quorum queue", queue, moved);
                break;
            }
            catch (OperationInterruptedException e) when (Code(e) == PreconditionFailed && round < 20)
            {
                // A message arrived meanwhile (or a consumer attached: the next inspection says so).
                if (await InspectAsync(queue, arguments, ct) == QueueState.InUse) throw InUse(queue);
            }
        }

        await DeclareAsync(queue, arguments, ct);
        if (exchangeExists) await BindAsync(queue, queue, ct);
        await FinishAsync(queue, holding, ct);
        return true;
    }

    private async Task FinishAsync(string queue, string holding, CancellationToken ct)
    {
        if (await ExchangeExistsAsync(queue, ct))
        {
            await using var unbind = await connection.CreateChannelAsync(cancellationToken: ct);
            await unbind.QueueUnbindAsync(holding, queue, "", cancellationToken: ct);
        }
        // Unbound, nothing reaches the holding queue any more: once emptied it is deleted outright
        // (quorum queues do not support delete-if-empty).
        var moved = await MoveAsync(holding, queue, ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var purged = await channel.QueueDeleteAsync(holding, ifUnused: false, ifEmpty: false, cancellationToken: ct);
        if (purged > 0) throw new InvalidOperationException($"{purged} messages reached '{holding}' after it was unbound; they were lost.");
        logger.LogWarning("Queue {Queue} is now a quorum queue; {Count} messages moved back into it", queue, moved);
    }

    private static Dictionary<string, object?> HoldingArguments(IDictionary<string, object?> arguments) =>
        arguments.Where(a => a.Key is "x-queue-type" or "x-quorum-initial-group-size").ToDictionary();

    private enum QueueState { Missing, Quorum, Classic, InUse }

    /// <summary>
    /// Declared as wanted, the queue is ours already if the broker agrees; declared with no arguments
    /// (as the classic version declared it), it is classic if the broker agrees to that. The reply
    /// texts are not parsed: which argument RabbitMQ names first differs between versions.
    /// </summary>
    private async Task<QueueState> InspectAsync(string queue, IDictionary<string, object?> arguments, CancellationToken ct)
    {
        QueueDeclareOk existing;
        await using (var passive = await connection.CreateChannelAsync(cancellationToken: ct))
        {
            try { existing = await passive.QueueDeclarePassiveAsync(queue, ct); }
            catch (OperationInterruptedException e) when (Code(e) == NotFound) { return QueueState.Missing; }
        }
        string? refusal;
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: ct))
        {
            try
            {
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: ct);
                return QueueState.Quorum;
            }
            catch (OperationInterruptedException e) when (Code(e) == PreconditionFailed) { refusal = e.ShutdownReason?.ReplyText; }
        }
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: ct))
        {
            try
            {
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);
                return existing.ConsumerCount > 0 ? QueueState.InUse : QueueState.Classic;
            }
            catch (OperationInterruptedException e) when (Code(e) == PreconditionFailed)
            {
                throw new InvalidOperationException(
                    $"Queue '{queue}' exists with other arguments than this version declares ({refusal}); " +
                    "change them with a policy, or delete the queue once drained.", e);
            }
        }
    }

    private InvalidOperationException InUse(string queue)
    {
        logger.LogCritical("Queue {Queue} is a classic queue with consumers attached: stop every instance of the previous version first", queue);
        return new InvalidOperationException(
            $"Queue '{queue}' is a classic queue and still has consumers: the previous version of this service is running. " +
            "Stop all its instances; this version then turns the queue into a quorum queue without losing a message (docs/operating-at-scale.md).");
    }

    private async Task<bool> ExistsAsync(string queue, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try { await channel.QueueDeclarePassiveAsync(queue, ct); return true; }
        catch (OperationInterruptedException e) when (Code(e) == NotFound) { return false; }
    }

    private async Task<bool> ExchangeExistsAsync(string exchange, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try { await channel.ExchangeDeclarePassiveAsync(exchange, ct); return true; }
        catch (OperationInterruptedException e) when (Code(e) == NotFound) { return false; }
    }

    private async Task DeclareAsync(string queue, IDictionary<string, object?> arguments, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: ct);
    }

    private async Task BindAsync(string queue, string exchange, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await channel.QueueBindAsync(queue, exchange, "", cancellationToken: ct);
    }

    /// <summary>Moves every message, each acknowledged only once the broker confirmed its copy.</summary>
    private async Task<int> MoveAsync(string from, string to, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(Confirmed, ct);
        var moved = 0;
        while (await channel.BasicGetAsync(from, autoAck: false, ct) is { } message)
        {
            await channel.BasicPublishAsync("", to, mandatory: true, new BasicProperties(message.BasicProperties), message.Body, ct);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
            moved++;
        }
        return moved;
    }

    private static ushort Code(OperationInterruptedException e) => e.ShutdownReason?.ReplyCode ?? 0;
}
