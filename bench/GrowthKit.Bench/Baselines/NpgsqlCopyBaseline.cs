using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace GrowthKit.Bench.Baselines;

public sealed record CopyFigures(int Rows, double Seconds)
{
    public double RowsPerSecond => Rows / Seconds;
}

/// <summary>
/// Plain Npgsql binary COPY of N rows (a uuid primary key and the lead's JSON as jsonb, like a Marten
/// document table) into a scratch table of the app's own database, committed, then dropped.
/// </summary>
public static class NpgsqlCopyBaseline
{
    public static async Task<CopyFigures> RunAsync(string connectionString, IReadOnlyList<byte[]> leads, CancellationToken ct)
    {
        var table = "bench_copy_" + Guid.NewGuid().ToString("N")[..8];
        var rows = leads.Select(l => (Id: Guid.NewGuid(), Json: System.Text.Encoding.UTF8.GetString(l))).ToArray();

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, $"create table {table} (id uuid primary key, data jsonb not null)", ct);
        try
        {
            var clock = Stopwatch.StartNew();
            await using (var writer = await connection.BeginBinaryImportAsync($"copy {table} (id, data) from stdin (format binary)", ct))
            {
                foreach (var (id, json) in rows)
                {
                    await writer.StartRowAsync(ct);
                    await writer.WriteAsync(id, NpgsqlDbType.Uuid, ct);
                    await writer.WriteAsync(json, NpgsqlDbType.Jsonb, ct);
                }
                await writer.CompleteAsync(ct);
            }
            return new CopyFigures(rows.Length, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            await ExecuteAsync(connection, $"drop table if exists {table}", CancellationToken.None);
            // Start the measured phases from a clean slate: no pending checkpoint from the scratch rows.
            await ExecuteAsync(connection, "checkpoint", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
