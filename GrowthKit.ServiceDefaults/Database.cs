using Npgsql;

namespace GrowthKit.ServiceDefaults;

/// <summary>The one PostgreSQL database of the platform, and how idempotent hand-written DDL is applied to it.</summary>
public static class Database
{
    /// <summary>The connection string's name: every service has its own login to the same database.</summary>
    public const string ConnectionName = "growthkit";

    /// <summary>The schema, only when missing (where the database is prepared for least privilege it exists and belongs to the service's role).</summary>
    public static string SchemaIfMissing(string schema) =>
        $"do $$ begin if to_regnamespace('{schema}') is null then create schema {schema}; end if; end $$;";

    /// <summary>Runs <paramref name="ddl"/> after <see cref="SchemaIfMissing"/>, in one transaction under the advisory lock named <paramref name="lockName"/>.</summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, string lockName, string schema, string ddl, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext($1))", connection, tx))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lockName });
            await lockCommand.ExecuteNonQueryAsync(ct);
        }
        await using (var create = new NpgsqlCommand(SchemaIfMissing(schema) + "\n" + ddl, connection, tx))
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
