using GrowthKit.Contracts;
using GrowthKit.Integrations.Connections;
using Marten;
using MassTransit;

namespace GrowthKit.Integrations.WriteBack;

/// <summary>
/// Writes each recorded score (on a lead's arrival or a re-scoring) back onto the CRM company its
/// lead came from: score, tier and top reasons, in the CRM's own fields, made when missing. Only
/// leads a connection synced (<c>{kind}:company:{id}</c>) are written, and only while the tenant is
/// still connected. Writing a value again is harmless, so a redelivered page is too. A CRM that
/// refuses particular companies (deleted since) is logged; one that is down fails the message, which
/// the platform's retry policy delivers again.
/// </summary>
public sealed class CrmWriteBackConsumer(IDocumentStore store, TokenVault vault, IEnumerable<ICrmConnector> connectors,
    ILogger<CrmWriteBackConsumer> logger) : IConsumer<ScoresRecorded>
{
    public async Task Consume(ConsumeContext<ScoresRecorded> context)
    {
        var message = context.Message;
        var kinds = message.Scores.Select(s => s.ExternalId.Split(':')[0]).Where(CrmKinds.IsKnown).Distinct().ToList();
        if (kinds.Count == 0) return;

        await using var session = store.QuerySession(message.TenantId.ToString());
        foreach (var kind in kinds)
        {
            if (await session.LoadAsync<CrmConnection>(kind, context.CancellationToken) is not { } connection) continue;
            var access = new CrmAccess(message.TenantId, kind, new Uri(connection.BaseUrl), vault.Unprotect(connection.ProtectedToken));
            var scores = message.Scores.Where(s => s.ExternalId.StartsWith($"{kind}:company:", StringComparison.Ordinal)).ToList();
            IReadOnlyList<SyncError> failed;
            try
            {
                failed = await connectors.Single(c => c.Kind == kind).WriteBackAsync(access, scores, context.CancellationToken);
            }
            catch (CrmException e) when (e.Status is { } status && (int)status is >= 400 and < 500 && status != System.Net.HttpStatusCode.TooManyRequests)
            {
                // A refused token or missing permission does not pass with a retry: the next sync shows it too.
                logger.LogWarning("The {Connection} refused the write-back of {Count} scores: {Message}", access, scores.Count, e.Message);
                continue;
            }
            if (failed.Count > 0)
            {
                logger.LogWarning("Writing {Count} scores back to the {Connection} failed, first: {Record}: {Message}",
                    failed.Count, access, failed[0].Record, failed[0].Message);
            }
        }
    }
}

public static class WriteBackRegistration
{
    public static void AddCrmWriteBack(this IBusRegistrationConfigurator bus) => bus.AddConsumer<CrmWriteBackConsumer>();
}
