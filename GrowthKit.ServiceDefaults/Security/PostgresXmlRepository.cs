using System.Xml.Linq;
using GrowthKit.ServiceDefaults;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace GrowthKit.ServiceDefaults.Security;

/// <summary>
/// A service's Data Protection key ring in PostgreSQL (in its own schema), so every instance and
/// every restart read the same keys. Hand-written over Npgsql rather than the EF Core store: the
/// solution has no EF Core, and this is one append-only table. The elements arrive here already
/// encrypted by <see cref="SecretXmlEncryptor"/>.
/// </summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource, string schema) : IXmlRepository
{
    public static string TableIn(string schema) => schema + ".data_protection_keys";

    private readonly string _table = TableIn(schema);

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand($"SELECT xml FROM {_table} ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = dataSource.CreateCommand($"INSERT INTO {_table} (friendly_name, xml) VALUES ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }

    public static string Ddl(string schema) =>
        $"CREATE TABLE IF NOT EXISTS {TableIn(schema)} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, " +
        "friendly_name text NOT NULL, xml text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())";
}

/// <summary>
/// The key ring's table: the web app has no Marten store, so this is its one explicit migration (run by
/// <c>db-apply</c>, or at start-up in development), idempotent and under an advisory lock.
/// </summary>
public sealed class DataProtectionKeysMigration(NpgsqlDataSource dataSource, string schema) : IDatabaseMigration
{
    public string Name => $"table {PostgresXmlRepository.TableIn(schema)}";

    public async Task ApplyAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await Database.ApplyAsync(connection, $"growthkit-data-protection-{schema}", schema, PostgresXmlRepository.Ddl(schema), ct);
    }

    public async Task AssertAppliedAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select to_regclass('{PostgresXmlRepository.TableIn(schema)}') is not null");
        if (await command.ExecuteScalarAsync(ct) is not true)
        {
            throw new SchemaNotMigratedException(
                $"The table {PostgresXmlRepository.TableIn(schema)} is missing, and this service does not create tables outside development. " +
                $"Run the migration first: `dotnet <service>.dll {SchemaMigrations.ApplyCommand}` with the service's login (eng/migrate.sh does it for every service).");
        }
    }
}
