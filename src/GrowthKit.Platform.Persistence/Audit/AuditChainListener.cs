using Marten;
using Npgsql;

namespace GrowthKit.Platform.Persistence.Audit;

/// <summary>
/// For a service whose sessions commit themselves (the ICP service): every <c>SaveChanges</c> that
/// appends events chains them in the same transaction, after Marten's batch and before the commit.
/// A service that appends on its own transaction (scoring) calls <see cref="AuditChain.AppendAsync"/> instead.
/// </summary>
public sealed class AuditChainListener(string service) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var streams = session.PendingChanges.Streams().Select(s => s.Id).Distinct().ToArray();
        if (streams.Length == 0) return Task.CompletedTask;
        if (session is not ITransactionParticipantRegistrar registrar)
        {
            throw new InvalidOperationException("This Marten session cannot chain its events in its own transaction.");
        }
        registrar.AddTransactionParticipant(new Participant(service, session.DocumentStore.Options.Events.DatabaseSchemaName,
            session.TenantId, streams));
        return Task.CompletedTask;
    }

    // Marten may run it again on a fresh transaction when the commit is retried: it chains whatever
    // that transaction stored, so a rerun is harmless.
    private sealed class Participant(string service, string schema, string tenantId, Guid[] streams) : ITransactionParticipant
    {
        public Task BeforeCommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken token) =>
            AuditChain.AppendAsync(connection, transaction, schema, service, tenantId, streams, token);
    }
}
