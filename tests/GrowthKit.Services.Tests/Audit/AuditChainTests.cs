using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Model.Audit;
using GrowthKit.Platform.Persistence.Audit;
using GrowthKit.Services.Tests.Icps;
using GrowthKit.Services.Tests.Infrastructure;
using Npgsql;

namespace GrowthKit.Services.Tests.Audit;

/// <summary>
/// The ICP service chains its events as it appends them; these tests change the database behind its
/// back with SQL, as an insider could, and expect verification to name exactly what was touched.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class AuditChainTests(TestServers servers, IcpService icp) : IClassFixture<IcpService>, IAsyncLifetime
{
    private static readonly ChainedService[] Chains = [new("icp", "icp")];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly AuditSigner _signer = new(AuditKey.FromSecret("audit-chain-tests"), TimeProvider.System);
    private NpgsqlDataSource? _dataSource;

    private NpgsqlDataSource DataSource => _dataSource!;

    public async Task InitializeAsync()
    {
        await icp.StartAsync(servers);
        _dataSource = NpgsqlDataSource.Create(icp.Database);
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null) await _dataSource.DisposeAsync();
    }

    /// <summary>Draft (1), publish (2), an edit that changes a criterion (3), publish (4).</summary>
    private async Task<Guid> IcpWithTwoVersions(Guid tenant)
    {
        var api = icp.ClientFor(tenant);
        var created = await api.PostAsJsonAsync("/api/icps", Samples.Definition());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var icpId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["icpId"]!.GetValue<Guid>();
        await Send(api, HttpMethod.Post, $"/api/icps/{icpId}/publish", new { reason = "first release" }, "\"1\"");
        await Send(api, HttpMethod.Put, $"/api/icps/{icpId}", new { definition = Samples.ChangedDefinition(), reason = "pain matters more" }, "\"2\"");
        await Send(api, HttpMethod.Post, $"/api/icps/{icpId}/publish", new { reason = "second release" }, "\"3\"");
        return icpId;
    }

    private static async Task Send(HttpClient api, HttpMethod method, string path, object body, string ifMatch)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var response = await api.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<AuditVerification> VerifyAsync(Guid tenant)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await AuditVerifier.VerifyAsync(connection, tenant.ToString(), Chains, _signer.Verifier, CancellationToken.None);
    }

    private async Task SqlAsync(string sql, Guid tenant, Guid stream)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant.ToString() });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = stream });
        Assert.True(await command.ExecuteNonQueryAsync() > 0, sql);
    }

    [Fact]
    public async Task An_untouched_history_verifies_with_one_link_per_event()
    {
        var tenant = Guid.NewGuid();
        await IcpWithTwoVersions(tenant);
        await IcpWithTwoVersions(tenant);

        var result = await VerifyAsync(tenant);

        Assert.True(result.Ok, result.FirstBroken?.Reason);
        Assert.Equal(8, result.Events);
    }

    [Fact]
    public async Task A_refused_stale_edit_leaves_the_chain_whole()
    {
        var tenant = Guid.NewGuid();
        var icpId = await IcpWithTwoVersions(tenant);

        // A stale If-Match fails inside Marten's save: Marten fills the sequence numbers it drew with its
        // own bookkeeping events, which belong to no history and are not chained.
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/icps/{icpId}")
        {
            Content = JsonContent.Create(new { definition = Samples.Definition(), reason = "too late" }, options: Json),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await icp.ClientFor(tenant).SendAsync(stale)).StatusCode);

        var result = await VerifyAsync(tenant);
        Assert.True(result.Ok, result.FirstBroken?.Reason);
        Assert.Equal(4, result.Events);
    }

    [Fact]
    public async Task Changing_an_events_data_with_sql_breaks_the_chain_at_exactly_that_event()
    {
        var tenant = Guid.NewGuid();
        await IcpWithTwoVersions(tenant);
        var icpId = await IcpWithTwoVersions(tenant);
        Assert.True((await VerifyAsync(tenant)).Ok);

        await SqlAsync("""
            update icp.mt_events set data = jsonb_set(data, '{reason}', '"nobody asked"')
            where tenant_id = $1 and stream_id = $2 and version = 3
            """, tenant, icpId);

        var result = await VerifyAsync(tenant);
        Assert.False(result.Ok);
        Assert.Equal(icpId, result.FirstBroken!.Stream);
        Assert.Equal(3, result.FirstBroken.Sequence);
        Assert.Equal(7, result.FirstBroken.Position);
        Assert.Contains("changed", result.FirstBroken.Reason);
    }

    [Fact]
    public async Task Deleting_an_event_is_caught_at_that_event()
    {
        var tenant = Guid.NewGuid();
        var icpId = await IcpWithTwoVersions(tenant);

        await SqlAsync("delete from icp.mt_events where tenant_id = $1 and stream_id = $2 and version = 2", tenant, icpId);

        var result = await VerifyAsync(tenant);
        Assert.False(result.Ok);
        Assert.Equal((icpId, 2L), (result.FirstBroken!.Stream!.Value, result.FirstBroken.Sequence!.Value));
        Assert.Contains("deleted", result.FirstBroken.Reason);
    }

    [Fact]
    public async Task Deleting_an_event_together_with_its_link_is_caught()
    {
        var tenant = Guid.NewGuid();
        var icpId = await IcpWithTwoVersions(tenant);

        await SqlAsync("delete from icp.mt_events where tenant_id = $1 and stream_id = $2 and version = 2", tenant, icpId);
        await SqlAsync("delete from audit.chain where tenant_id = $1 and stream_id = $2 and version = 2", tenant, icpId);

        var result = await VerifyAsync(tenant);
        Assert.False(result.Ok);
        Assert.Equal((icpId, 3L), (result.FirstBroken!.Stream!.Value, result.FirstBroken.Sequence!.Value));
        Assert.Contains("removed", result.FirstBroken.Reason);
    }

    [Fact]
    public async Task Reordering_two_events_is_caught_at_the_first_of_them()
    {
        var tenant = Guid.NewGuid();
        var icpId = await IcpWithTwoVersions(tenant);

        // Swap versions 2 and 3 (through a free number: (stream, version) is unique).
        await SqlAsync("update icp.mt_events set version = 1002 where tenant_id = $1 and stream_id = $2 and version = 2", tenant, icpId);
        await SqlAsync("update icp.mt_events set version = 2 where tenant_id = $1 and stream_id = $2 and version = 3", tenant, icpId);
        await SqlAsync("update icp.mt_events set version = 3 where tenant_id = $1 and stream_id = $2 and version = 1002", tenant, icpId);

        var result = await VerifyAsync(tenant);
        Assert.False(result.Ok);
        Assert.Equal((icpId, 2L), (result.FirstBroken!.Stream!.Value, result.FirstBroken.Sequence!.Value));
    }

    [Fact]
    public async Task An_event_inserted_around_the_chain_is_caught()
    {
        var tenant = Guid.NewGuid();
        var icpId = await IcpWithTwoVersions(tenant);

        await SqlAsync("""
            insert into icp.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers)
            select nextval('icp.mt_events_sequence'), gen_random_uuid(), stream_id, 5, data, type, now(), tenant_id, mt_dotnet_type, headers
            from icp.mt_events where tenant_id = $1 and stream_id = $2 and version = 4
            """, tenant, icpId);

        var result = await VerifyAsync(tenant);
        Assert.False(result.Ok);
        Assert.Equal((icpId, 5L), (result.FirstBroken!.Stream!.Value, result.FirstBroken.Sequence!.Value));
        Assert.Contains("not in the chain", result.FirstBroken.Reason);
    }

    [Fact]
    public async Task A_chain_rewritten_after_its_head_was_signed_is_caught_by_the_checkpoint()
    {
        var tenant = Guid.NewGuid();
        var icpId = await IcpWithTwoVersions(tenant);
        await _signer.CheckpointAsync(DataSource, CancellationToken.None);
        Assert.True((await VerifyAsync(tenant)).Ok);

        // An insider who knows the algorithm changes an event and recomputes every hash after it, head included.
        await SqlAsync("""
            update icp.mt_events set data = jsonb_set(data, '{reason}', '"nobody asked"')
            where tenant_id = $1 and stream_id = $2 and version = 3
            """, tenant, icpId);
        await RechainAsync(tenant);

        var result = await VerifyAsync(tenant);
        Assert.False(result.Ok);
        Assert.Contains("signed checkpoint at position 4", result.FirstBroken!.Reason);
    }

    [Fact]
    public async Task A_forged_checkpoint_is_caught()
    {
        var tenant = Guid.NewGuid();
        await IcpWithTwoVersions(tenant);
        var forger = new AuditSigner(AuditKey.FromSecret("not the platform's"), TimeProvider.System);
        await forger.CheckpointAsync(DataSource, CancellationToken.None);

        var result = await VerifyAsync(tenant);
        Assert.False(result.Ok);
        Assert.Contains("not signed by the platform's key", result.FirstBroken!.Reason);
    }

    [Fact]
    public async Task Concurrent_appends_of_one_tenant_make_one_unforked_chain()
    {
        var tenant = Guid.NewGuid();
        var api = icp.ClientFor(tenant);
        var drafts = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => api.PostAsJsonAsync("/api/icps", Samples.Definition())));
        Assert.All(drafts, d => Assert.Equal(HttpStatusCode.Created, d.StatusCode));

        var result = await VerifyAsync(tenant);
        Assert.True(result.Ok, result.FirstBroken?.Reason);
        Assert.Equal(24, result.Events);
        await using var command = DataSource.CreateCommand(
            "select count(distinct prev_hash), max(position) from audit.chain where tenant_id = $1 and service = 'icp'");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant.ToString() });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((24L, 24L), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    [Fact]
    public async Task The_one_time_build_chains_existing_events_once_marks_them_and_records_that_it_ran()
    {
        var tenant = Guid.NewGuid();
        await IcpWithTwoVersions(tenant);
        // A chain name of its own over the same events: as if they had been written before chaining existed.
        var before = new ChainedService("before-" + Guid.NewGuid().ToString("N")[..8], "icp");

        var built = await AuditBackfill.RunOnceAsync(DataSource, before, CancellationToken.None);
        Assert.NotNull(built);
        Assert.Null(await AuditBackfill.RunOnceAsync(DataSource, before, CancellationToken.None));

        await using var connection = await DataSource.OpenConnectionAsync();
        var result = await AuditVerifier.VerifyAsync(connection, tenant.ToString(), [before], _signer.Verifier, CancellationToken.None);
        Assert.True(result.Ok, result.FirstBroken?.Reason);
        Assert.Equal(4, result.Events);
        await using var command = new NpgsqlCommand("""
            select (select count(*) from audit.chain where service = $1 and tenant_id = $2 and backfilled),
                   (select events from audit.backfills where service = $1)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = before.Name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant.ToString() });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((4L, built.Value.Events), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    /// <summary>What a forger would do: recompute every link from the stored events, head included.</summary>
    private async Task RechainAsync(Guid tenant)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        var links = new List<(long Position, string Hash)>();
        await using (var read = new NpgsqlCommand("""
            select c.position, e.stream_id, e.version, e.type, e.timestamp, c.who, c.why, e.data::text
            from audit.chain c join icp.mt_events e on e.seq_id = c.event_seq
            where c.tenant_id = $1 and c.service = 'icp' order by c.position
            """, connection))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant.ToString() });
            await using var reader = await read.ExecuteReaderAsync();
            var prev = ChainLink.Genesis;
            while (await reader.ReadAsync())
            {
                using var data = JsonDocument.Parse(reader.GetString(7));
                prev = new ChainLink(reader.GetString(3), reader.GetGuid(1), reader.GetInt64(2),
                    ChainLink.FormatTimestamp(reader.GetFieldValue<DateTimeOffset>(4)), reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6), data.RootElement, prev).Hash();
                links.Add((reader.GetInt64(0), prev));
            }
        }
        foreach (var (position, hash) in links)
        {
            await using var update = new NpgsqlCommand("""
                update audit.chain set hash = @hash, prev_hash = coalesce(
                  (select hash from audit.chain p where p.tenant_id = @tenant and p.service = 'icp' and p.position = @position - 1), prev_hash)
                where tenant_id = @tenant and service = 'icp' and position = @position;
                update audit.chain_heads set hash = @hash where tenant_id = @tenant and service = 'icp' and position = @position;
                """, connection);
            update.Parameters.Add(new NpgsqlParameter<string>("tenant", tenant.ToString()));
            update.Parameters.Add(new NpgsqlParameter<long>("position", position));
            update.Parameters.Add(new NpgsqlParameter<string>("hash", hash));
            await update.ExecuteNonQueryAsync();
        }
    }
}
