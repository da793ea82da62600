using System.Diagnostics;
using GrowthKit.Services.Tests.Infrastructure;
using Npgsql;

namespace GrowthKit.Services.Tests.Migrations;

/// <summary>
/// eng/migrate.sh with <c>GROWTHKIT_MIGRATE_IF_CHANGED=true</c> (what ./run.sh's AppHost sets): a
/// service whose build already migrated the database is skipped, any other build is applied and
/// stamps the schema; without the switch (by hand, the Kubernetes Job) every service is applied.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class MigrateScriptTests(TestServers servers)
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task A_build_that_already_migrated_the_database_is_skipped_and_any_other_is_applied()
    {
        var database = await servers.CreateDatabaseAsync("stamp");

        var first = await MigrateAsync(database, ifChanged: true);
        Assert.Contains("[scoring] db-apply: ", first);
        Assert.DoesNotContain("skipped", first);
        Assert.True(await Scalar(database, "select to_regclass('scoring.lead_scores')::text") is not null, first);
        var stamp = await Scalar(database, "select obj_description('scoring'::regnamespace, 'pg_namespace')");
        Assert.Matches("^growthkit build [0-9a-f]{64}$", stamp);

        Assert.Contains("[scoring] db-apply: skipped", await MigrateAsync(database, ifChanged: true));

        // A database another build migrated (or a restored older one) is migrated again and stamped anew.
        await Scalar(database, "comment on schema scoring is 'growthkit build " + new string('0', 64) + "'");
        var again = await MigrateAsync(database, ifChanged: true);
        Assert.Contains("[scoring] db-apply: ", again);
        Assert.DoesNotContain("skipped", again);
        Assert.Equal(stamp, await Scalar(database, "select obj_description('scoring'::regnamespace, 'pg_namespace')"));

        // By hand every service is applied, stamp or not; it stamps the schema too.
        var byHand = await MigrateAsync(database, ifChanged: false);
        Assert.Contains("[scoring] db-apply: ", byHand);
        Assert.DoesNotContain("skipped", byHand);
        Assert.Equal(stamp, await Scalar(database, "select obj_description('scoring'::regnamespace, 'pg_namespace')"));
    }

    private static async Task<string> MigrateAsync(string database, bool ifChanged)
    {
        var start = new ProcessStartInfo("bash", ["eng/migrate.sh"])
        {
            WorkingDirectory = RepoRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GROWTHKIT_MIGRATE_SERVICES"] = "scoring";
        start.Environment["GROWTHKIT_DB_SCORING"] = database;
        start.Environment["GROWTHKIT_CONFIGURATION"] = Configuration;
        start.Environment["GROWTHKIT_MIGRATE_IF_CHANGED"] = ifChanged ? "true" : "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"eng/migrate.sh exited with {process.ExitCode}: {await output}{await errors}");
        return await output;
    }

    private static async Task<string?> Scalar(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() as string;
    }
}
