using Npgsql;

namespace GrowthKit.ServiceDefaults;

/// <summary>
/// Tables a service writes by hand, beside Marten's: their DDL runs once per start, in one transaction
/// under an advisory lock (instances starting together must not race on CREATE … IF NOT EXISTS, which
/// is not safe under concurrency), and creates the service's schema only when it is missing (where the
/// database is prepared for least privilege, it exists and belongs to the service's role, which may
/// not create schemas).
/// </summary>
public static class HandWrittenTables
{
    /// <summary>The schema, only when missing.</summary>
    public static string SchemaIfMissing(string schema) =>
        $"do $$ begin if to_regnamespace('{schema}') is null then create schema {schema}; end if; end $$;";

    /// <summary>Runs <paramref name="ddl"/> after <see cref="SchemaIfMissing"/>, under the lock named <paramref name="lockName"/>.</summary>
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
