using GrowthKit.Integrations.Sync;
using GrowthKit.Services.Tests.Infrastructure;
using Npgsql;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>The lock that keeps one sync per connection, as two instances of the service would each take it, on real PostgreSQL.</summary>
[Collection(ServersCollection.Name)]
public sealed class SyncLockTests(TestServers servers)
{
    [Fact]
    public async Task A_second_instance_cannot_sync_a_connection_until_the_first_lets_go_or_its_connection_dies()
    {
        var database = new NpgsqlConnectionStringBuilder(await servers.CreateDatabaseAsync("locks")) { Pooling = false }.ConnectionString;
        var one = new SyncLocks(NpgsqlDataSource.Create(database));
        var two = new SyncLocks(NpgsqlDataSource.Create(database));
        var tenant = Guid.NewGuid();

        var held = await one.TryAcquireAsync(tenant, "hubspot", default);
        Assert.NotNull(held);
        Assert.Null(await two.TryAcquireAsync(tenant, "hubspot", default));
        await using (var other = await two.TryAcquireAsync(tenant, "pipedrive", default)) Assert.NotNull(other);

        await held!.DisposeAsync();
        var taken = await two.TryAcquireAsync(tenant, "hubspot", default);
        Assert.NotNull(taken);

        // A process that dies takes its session with it: the lock is free again.
        await using (var admin = new NpgsqlConnection(database))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                """
                select pg_terminate_backend(pid) from pg_locks
                where locktype = 'advisory' and pid <> pg_backend_pid()
                  and database = (select oid from pg_database where datname = current_database())
                """, admin);
            await kill.ExecuteNonQueryAsync();
        }
        await Eventually.Until(async () =>
        {
            var again = await one.TryAcquireAsync(tenant, "hubspot", default);
            if (again is not null) await again.DisposeAsync();
            return again is not null;
        }, free => free, "the lock of a dead session to be free");
        // Its session is gone: letting go fails, and holds nothing.
        await Assert.ThrowsAnyAsync<Exception>(async () => await taken!.DisposeAsync());
    }
}
