using JasperFx;
using Marten;

namespace GrowthKit.Platform.Persistence;

/// <summary>The service's Marten store: its documents, events, daemon tables and the hand-written tables registered with it.</summary>
public sealed class MartenMigration(IDocumentStore store, string schema) : IDatabaseMigration
{
    public string Name => $"schema {schema}";

    public Task ApplyAsync(CancellationToken ct) => store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);

    public async Task AssertAppliedAsync(CancellationToken ct)
    {
        try
        {
            await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not SchemaNotMigratedException)
        {
            throw new SchemaNotMigratedException(
                $"The database schema '{schema}' does not match this version of the service, which does not change it outside development. " +
                $"Run the migration first: `dotnet <service>.dll {SchemaMigrations.ApplyCommand}` with the service's login (eng/migrate.sh does it for every service). " +
                $"Detail: {FirstLine(e.Message)}", e);
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
