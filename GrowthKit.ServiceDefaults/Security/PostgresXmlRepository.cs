using GrowthKit.ServiceDefaults;
using System.Xml.Linq;
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

    private readonly Lazy<bool> _created = new(() => CreateTable(dataSource, schema));

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        _ = _created.Value;
        using var command = dataSource.CreateCommand($"SELECT xml FROM {_table} ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        _ = _created.Value;
        using var command = dataSource.CreateCommand($"INSERT INTO {_table} (friendly_name, xml) VALUES ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }

    // Two instances starting together may both create: the loser's unique violation means "it exists".
    private static bool CreateTable(NpgsqlDataSource dataSource, string schema)
    {
        try
        {
            using var command = dataSource.CreateCommand(
                HandWrittenTables.SchemaIfMissing(schema) + " " +
                $"CREATE TABLE IF NOT EXISTS {TableIn(schema)} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, " +
                "friendly_name text NOT NULL, xml text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
            command.ExecuteNonQuery();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject)
        {
        }
        return true;
    }
}
