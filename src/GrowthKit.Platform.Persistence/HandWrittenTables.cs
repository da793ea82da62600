using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;

namespace GrowthKit.Platform.Persistence;

/// <summary>
/// Tables a service writes by hand, beside Marten's. Where the service has Marten they are Weasel
/// schema objects of its store (<see cref="AddHandWrittenTables"/>), so Marten's migration — at
/// start-up in development, through <c>db-apply</c> elsewhere — creates and checks them with its own,
/// under its advisory lock. Their DDL stays plain idempotent SQL (partial and expression indexes,
/// unlogged tables, added columns), which Weasel's Table cannot all express.
/// </summary>
public static class HandWrittenTables
{
    /// <summary>
    /// Registers <paramref name="ddl"/> with the service's Marten store as one schema object, named
    /// after <paramref name="markerTable"/> (the first table it creates, which carries its version).
    /// </summary>
    public static IServiceCollection AddHandWrittenTables(this IServiceCollection services, string markerTable, string ddl) =>
        services.ConfigureMarten(opts => opts.Storage.ExtendedSchemaObjects.Add(new HandWrittenSchemaObject(markerTable, ddl)));
}

/// <summary>
/// Idempotent hand-written DDL as a Weasel schema object. Its version is the SHA-256 of the DDL, kept
/// as the comment of its first table: missing table → create; other comment (an older DDL, or a table
/// an earlier release made) → run the idempotent DDL again; same comment → nothing to do. So
/// <c>AssertDatabaseMatchesConfigurationAsync</c> fails until the migration has run, and a second
/// migration changes nothing.
/// </summary>
public sealed class HandWrittenSchemaObject : ISchemaObject
{
    private readonly string _ddl;

    public HandWrittenSchemaObject(string markerTable, string ddl)
    {
        Identifier = PostgresqlProvider.Instance.Parse(markerTable);
        _ddl = ddl;
        Version = "growthkit-ddl:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ddl)))[..16].ToLowerInvariant();
    }

    public DbObjectName Identifier { get; }

    /// <summary>The marker the migration leaves on <see cref="Identifier"/>'s table.</summary>
    public string Version { get; }

    public void WriteCreateStatement(Migrator migrator, TextWriter writer)
    {
        writer.WriteLine(Database.SchemaIfMissing(Identifier.Schema));
        writer.WriteLine(_ddl.Trim());
        writer.WriteLine($"comment on table {Identifier.QualifiedName} is '{Version}';");
    }

    // Never dropped by a migration: these tables hold data no event rebuilds cheaply.
    public void WriteDropStatement(Migrator rules, TextWriter writer)
    {
    }

    public void ConfigureQueryCommand(Weasel.Core.DbCommandBuilder builder) =>
        builder.Append($"""
            select case when to_regclass('{Identifier.QualifiedName}') is null then ''
                        else coalesce(obj_description(to_regclass('{Identifier.QualifiedName}'), 'pg_class'), '-') end;
            """);

    public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
    {
        var found = await reader.ReadAsync(ct) ? await reader.GetFieldValueAsync<string>(0, ct) : "";
        var difference = found == Version ? SchemaPatchDifference.None
            : found == "" ? SchemaPatchDifference.Create
            : SchemaPatchDifference.Update;
        return new Delta(this, difference);
    }

    public IEnumerable<DbObjectName> AllNames()
    {
        yield return Identifier;
    }

    /// <summary>An update re-runs the idempotent DDL (Weasel's default delta would drop first).</summary>
    private sealed class Delta(HandWrittenSchemaObject schemaObject, SchemaPatchDifference difference) : ISchemaObjectDelta
    {
        public ISchemaObject SchemaObject => schemaObject;
        public SchemaPatchDifference Difference => difference;
        public void WriteUpdate(Migrator rules, TextWriter writer) => schemaObject.WriteCreateStatement(rules, writer);
        public void WriteRollback(Migrator rules, TextWriter writer) { }
        public void WriteRestorationOfPreviousState(Migrator rules, TextWriter writer) { }
    }
}
