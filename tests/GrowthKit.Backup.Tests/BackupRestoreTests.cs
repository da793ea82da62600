using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;
using Xunit.Abstractions;

namespace GrowthKit.Backup.Tests;

/// <summary>
/// The backup and restore drill of docs/operating-at-scale.md: a system with a tenant, an ICP published
/// in three versions, leads and their scores is drained and backed up with eng/backup.sh; the dump is
/// restored with eng/restore.sh into the empty database of a second, new PostgreSQL cluster; a second
/// system started on it answers every ICP version, every score and its input hash exactly as the
/// first did, and its audit chain verifies.
/// </summary>
public sealed class BackupRestoreTests(ITestOutputHelper output)
{
    private const int Leads = 30;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_restored_database_answers_every_icp_version_score_and_input_hash_as_the_backed_up_one()
    {
        // The audit signing key is a secret that must outlive a restore, like the other kept secrets.
        var auditKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        string[] arguments = [$"--Parameters:audit-signing-key={auditKey}"];
        var work = Directory.CreateDirectory(Path.Combine(GrowthKitApp.DataRoot, "backup-" + Guid.NewGuid().ToString("N")[..12])).FullName;
        var dump = Path.Combine(work, "growthkit.dump");
        try
        {
            string apiKey;
            Snapshot before;
            var source = new GrowthKitApp { Arguments = arguments };
            try
            {
                await source.InitializeAsync();
                var tenant = await source.CreateTenantAsync();
                apiKey = tenant.ApiKey;
                var (icpId, leadIds) = await BuildHistoryAsync(tenant.Api);
                before = await SnapshotAsync(tenant.Api, icpId, leadIds);
                Assert.Equal([1, 2, 3], before.Versions.Keys.Order());
                Assert.All(before.Scores.Values, s => Assert.Equal(3, ScoresOf(s).Count));

                var clock = Stopwatch.StartNew();
                await RunAsync("backup.sh", [dump], await PgEnvironmentAsync(source));
                output.WriteLine($"backup: {new FileInfo(dump).Length} bytes in {clock.ElapsedMilliseconds} ms");
            }
            finally
            {
                await source.DisposeAsync();
            }

            // A new cluster, empty, in the data folder the second system will start on.
            var target = new GrowthKitApp { Arguments = arguments, DataDir = Path.Combine(work, "restored") };
            Directory.CreateDirectory(target.DataDir);
            await RestoreIntoNewClusterAsync(dump, Path.Combine(target.DataDir, "postgres"));
            try
            {
                await target.InitializeAsync();
                using var api = target.ClientWithKey(apiKey);
                var after = await SnapshotAsync(api, before.IcpId, before.Scores.Keys);
                foreach (var (version, definition) in before.Versions)
                {
                    Assert.True(JsonNode.DeepEquals(definition, after.Versions[version]), $"ICP v{version} differs after the restore");
                }
                Assert.True(JsonNode.DeepEquals(before.VersionList, after.VersionList), "the ICP's version list differs after the restore");
                foreach (var (leadId, scores) in before.Scores)
                {
                    Assert.True(JsonNode.DeepEquals(scores, after.Scores[leadId]),
                        $"lead {leadId}: {scores.ToJsonString()} before, {after.Scores[leadId].ToJsonString()} after");
                }
                Assert.True(JsonNode.DeepEquals(before.Audit, after.Audit), $"audit {before.Audit.ToJsonString()} before, {after.Audit.ToJsonString()} after");
                Assert.True(after.Audit["ok"]!.GetValue<bool>());
            }
            finally
            {
                await target.DisposeAsync();
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private sealed record Snapshot(Guid IcpId, JsonNode VersionList, Dictionary<int, JsonNode> Versions, Dictionary<Guid, JsonNode> Scores, JsonObject Audit);

    /// <summary>Three published versions of one ICP, and leads scored against each (re-scoring done): the broker is drained.</summary>
    private static async Task<(Guid IcpId, List<Guid> LeadIds)> BuildHistoryAsync(HttpClient api)
    {
        var leads = Enumerable.Range(0, Leads)
            .Select(i => Samples.Lead($"drill-{i}", department: i % 2 == 0 ? "operations" : "sales", employees: 10 + i * 13)).ToList();
        var (icpId, _) = await api.PublishThreeVersionsAsync(leads, Patience);

        using var list = await api.GetAsync($"/api/leads?icpId={icpId}&limit=1000");
        var ids = (await list.ReadObject())["items"]!.AsArray().Select(i => Guid.Parse(i!["leadId"]!.GetValue<string>())).ToList();
        Assert.Equal(Leads, ids.Count);
        // Every score of every lead recorded: nothing of the tenant is still on its way through the broker.
        foreach (var id in ids)
        {
            await Until(async () => ScoresOf((await api.GetFromJsonAsync<JsonNode>($"/api/leads/{id}/scores"))!).Count == 3, $"three scores of lead {id}");
        }
        return (icpId, ids);
    }

    /// <summary>The list of a lead's scores (the route answers a list, or a page of items).</summary>
    private static JsonArray ScoresOf(JsonNode scores) => scores as JsonArray ?? scores["items"]!.AsArray();

    private static async Task<Snapshot> SnapshotAsync(HttpClient api, Guid icpId, IEnumerable<Guid> leadIds)
    {
        var list = (await api.GetFromJsonAsync<JsonNode>($"/api/icps/{icpId}/versions"))!;
        var versions = new Dictionary<int, JsonNode>();
        foreach (var version in list.AsArray().Select(v => v!["version"]!.GetValue<int>()))
        {
            versions[version] = (await api.GetFromJsonAsync<JsonNode>($"/api/icps/{icpId}/versions/{version}"))!;
        }
        var scores = new Dictionary<Guid, JsonNode>();
        foreach (var leadId in leadIds)
        {
            var leadScores = (await api.GetFromJsonAsync<JsonNode>($"/api/leads/{leadId}/scores"))!;
            foreach (var score in ScoresOf(leadScores))
            {
                Assert.False(string.IsNullOrEmpty(score!["inputHash"]?.GetValue<string>()), $"score without an input hash: {score.ToJsonString()}");
            }
            scores[leadId] = leadScores;
        }
        var audit = (await api.GetFromJsonAsync<JsonObject>("/api/audit/verify"))!;
        return new Snapshot(icpId, list, versions, scores, audit);
    }

    /// <summary>eng/postgres-server.sh on a new cluster, eng/restore.sh into its empty database, then a fast shutdown.</summary>
    private async Task RestoreIntoNewClusterAsync(string dump, string clusterDir)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var port = FreePort();
        using var server = Start("postgres-server.sh", [], new()
        {
            ["PGPORT"] = port.ToString(),
            ["GROWTHKIT_PG_DATA"] = clusterDir,
            ["GROWTHKIT_PG_PASSWORD"] = password,
            ["GROWTHKIT_PG_DURABLE"] = "false",
        });
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.OutputDataReceived += (_, e) => { if (e.Data?.StartsWith("postgres-server: ready on ", StringComparison.Ordinal) == true) ready.TrySetResult(); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromMinutes(2));
            var environment = Pg("127.0.0.1", port, "postgres", password, "postgres");
            await using (var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database=postgres"))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("select count(*) from pg_namespace where nspname in ('icp', 'scoring', 'leads')", connection);
                Assert.Equal(0L, await command.ExecuteScalarAsync());
            }
            var clock = Stopwatch.StartNew();
            await RunAsync("restore.sh", [dump], environment);
            output.WriteLine($"restore: {clock.ElapsedMilliseconds} ms");
            // Restoring over a GrowthKit database is refused.
            Assert.NotEqual(0, await RunAsync("restore.sh", [dump], environment, mustSucceed: false));
        }
        finally
        {
            Process.Start("kill", ["-TERM", server.Id.ToString()])!.WaitForExit();
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
    }

    private static async Task<Dictionary<string, string>> PgEnvironmentAsync(GrowthKitApp app)
    {
        var connection = new NpgsqlConnectionStringBuilder(await app.App.GetConnectionStringAsync("growthkit"));
        return Pg(connection.Host!, connection.Port, connection.Username!, connection.Password!, connection.Database!);
    }

    private static Dictionary<string, string> Pg(string host, int port, string user, string password, string database) => new()
    {
        ["PGHOST"] = host, ["PGPORT"] = port.ToString(), ["PGUSER"] = user, ["PGPASSWORD"] = password, ["PGDATABASE"] = database,
    };

    private async Task<int> RunAsync(string script, string[] arguments, Dictionary<string, string> environment, bool mustSucceed = true)
    {
        using var process = Start(script, arguments, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        output.WriteLine($"{script}: {await stdout}{await stderr}");
        if (mustSucceed) Assert.True(process.ExitCode == 0, $"{script} exited with {process.ExitCode}: {await stderr}");
        return process.ExitCode;
    }

    private static Process Start(string script, string[] arguments, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine("eng", script));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return Process.Start(info)!;
    }

    private static Task Until(Func<Task<bool>> done, string what) => Api.Until(done, what, Patience);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GrowthKit.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("GrowthKit.sln not found above the test's directory.");
    }
}
