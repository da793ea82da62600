using System.Collections.Concurrent;
using System.Text;
using GrowthKit.Platform.Messaging;
using GrowthKit.Platform.Messaging.Resilience;
using GrowthKit.ServiceDefaults;
using GrowthKit.Services.Tests.Infrastructure;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace GrowthKit.Services.Tests.Reliability;

public sealed record UpgradeProbe(Guid Id);

public sealed class UpgradeProbeConsumer : IConsumer<UpgradeProbe>
{
    public static readonly ConcurrentDictionary<Guid, int> Consumed = new();

    public Task Consume(ConsumeContext<UpgradeProbe> context)
    {
        Consumed.AddOrUpdate(context.Message.Id, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

/// <summary>
/// An installation upgraded from classic queues (RabbitMQ's data kept between runs): the endpoint's
/// classic queue with messages waiting, and its classic <c>_error</c> queue with a dead letter, as the
/// previous version declared them through MassTransit. The service starts, the queues become quorum
/// queues, and nothing that waited is lost; with the previous version still consuming it refuses.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class QuorumQueueUpgradeTests(TestServers servers)
{
    private const int Waiting = 40;

    [Fact]
    public async Task Classic_queues_of_the_previous_version_become_quorum_queues_and_keep_every_waiting_message()
    {
        var service = "upgrade-" + Guid.NewGuid().ToString("N")[..8];
        var queue = new KebabCaseEndpointNameFormatter(service, false).Consumer<UpgradeProbeConsumer>();
        var waiting = Enumerable.Range(0, Waiting).Select(_ => Guid.NewGuid()).ToList();
        var deadLetter = Guid.NewGuid();
        await using (var connection = await ConnectAsync())
        {
            await DeclareClassicEndpointAsync(connection, queue);
            await DeclareClassicEndpointAsync(connection, queue + "_error");
            foreach (var id in waiting) await PublishAsync(connection, queue, id);
            await PublishAsync(connection, queue + "_error", deadLetter);
        }

        var app = await StartAsync(service);
        try
        {
            await Eventually.Until(() => waiting.All(UpgradeProbeConsumer.Consumed.ContainsKey), "every waiting message consumed", TimeSpan.FromMinutes(1));
            await using var connection = await ConnectAsync();
            var quorum = new QuorumQueues(1, QuorumQueues.DefaultDeliveryLimit);
            Assert.True(await IsQuorumAsync(connection, queue, quorum.ConsumerQueueArguments(queue)), $"{queue} is not a quorum queue");
            Assert.True(await IsQuorumAsync(connection, queue + "_error", quorum.ErrorQueueArguments()), $"{queue}_error is not a quorum queue");
            Assert.False(await ExistsAsync(connection, queue + QuorumQueueUpgrade.HoldingSuffix), "the holding queue is left behind");
            var letters = await app.Services.GetRequiredService<DeadLetters>().CountAsync(CancellationToken.None);
            Assert.Equal(1u, Assert.Single(letters, q => q.Queue == queue + "_error").Messages);
            Assert.False(UpgradeProbeConsumer.Consumed.ContainsKey(deadLetter), "the dead letter was consumed before anyone re-drove it");

            // Re-driven from the new quorum error queue into the new quorum queue, it is handled.
            Assert.Equal(1, await app.Services.GetRequiredService<DeadLetters>().RedriveAsync(CancellationToken.None));
            await Eventually.Until(() => UpgradeProbeConsumer.Consumed.ContainsKey(deadLetter), "the re-driven dead letter consumed", TimeSpan.FromMinutes(1));
        }
        finally
        {
            await app.StopAndDisposeAsync();
        }

        // The next start finds quorum queues and leaves them alone.
        var again = await StartAsync(service);
        try
        {
            var after = Guid.NewGuid();
            await again.Services.GetRequiredService<IBus>().Publish(new UpgradeProbe(after));
            await Eventually.Until(() => UpgradeProbeConsumer.Consumed.ContainsKey(after), "a message after the restart consumed", TimeSpan.FromMinutes(1));
        }
        finally
        {
            await again.StopAndDisposeAsync();
        }
    }

    [Fact]
    public async Task Start_up_is_refused_while_the_previous_version_still_consumes_its_classic_queue()
    {
        var service = "upgrade-" + Guid.NewGuid().ToString("N")[..8];
        var queue = new KebabCaseEndpointNameFormatter(service, false).Consumer<UpgradeProbeConsumer>();
        await using var previous = await ConnectAsync();
        await DeclareClassicEndpointAsync(previous, queue);
        await PublishAsync(previous, queue, Guid.NewGuid());
        await using var consuming = await previous.CreateChannelAsync();
        await consuming.BasicQosAsync(0, 1, false);
        await consuming.BasicConsumeAsync(queue, autoAck: false, new AsyncEventingBasicConsumer(consuming));

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(service));
        Assert.Contains("still has consumers", Flatten(refused));
        await using var connection = await ConnectAsync();
        var quorum = new QuorumQueues(1, QuorumQueues.DefaultDeliveryLimit);
        Assert.False(await IsQuorumAsync(connection, queue, quorum.ConsumerQueueArguments(queue)), "the classic queue in use was replaced");
    }

    /// <summary>Started here rather than by <see cref="ServiceHost.StartAsync"/>: a refused start must surface its own exception.</summary>
    private async Task<WebApplication> StartAsync(string service)
    {
        var builder = ServiceHost.CreateBuilder(servers);
        builder.AddGrowthKitMessaging(service, bus => bus.AddConsumer<UpgradeProbeConsumer>());
        var app = builder.Build();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await app.StartAsync(cts.Token);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { Uri = new Uri(servers.RabbitMqConnectionString) }.CreateConnectionAsync();

    /// <summary>What MassTransit 8.5 declared for an endpoint before quorum queues: a fanout exchange and a classic queue of the same name.</summary>
    private static async Task DeclareClassicEndpointAsync(IConnection connection, string name)
    {
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(name, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(name, name, "");
    }

    /// <summary>A persistent message in MassTransit's envelope, as a publisher of the previous version sent it.</summary>
    private static async Task PublishAsync(IConnection connection, string exchange, Guid id)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        var envelope = "{\"messageId\":\"" + Guid.NewGuid() + "\",\"messageType\":[\"urn:message:GrowthKit.Services.Tests.Reliability:UpgradeProbe\"],"
                       + "\"message\":{\"id\":\"" + id + "\"}}";
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true };
        await channel.BasicPublishAsync(exchange, "", mandatory: true, properties, Encoding.UTF8.GetBytes(envelope));
    }

    /// <summary>
    /// Quorum with this version's arguments: declaring it so is accepted, and declaring it as the
    /// classic version did (no arguments) is refused.
    /// </summary>
    private static async Task<bool> IsQuorumAsync(IConnection connection, string queue, IDictionary<string, object?> arguments)
    {
        await using (var channel = await connection.CreateChannelAsync())
        {
            try { await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments); }
            catch (OperationInterruptedException) { return false; }
        }
        await using (var channel = await connection.CreateChannelAsync())
        {
            try { await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false); return false; }
            catch (OperationInterruptedException) { return true; }
        }
    }

    private static async Task<bool> ExistsAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        try { await channel.QueueDeclarePassiveAsync(queue); return true; }
        catch (OperationInterruptedException) { return false; }
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " <- " + Flatten(e.InnerException);
}
