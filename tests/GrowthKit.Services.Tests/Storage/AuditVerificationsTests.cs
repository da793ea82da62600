using GrowthKit.Platform.Persistence.Audit;
using GrowthKit.Scoring.Storage;
using GrowthKit.Services.Tests.Infrastructure;
using Npgsql;

namespace GrowthKit.Services.Tests.Storage;

/// <summary>The verify route keeps each tenant's latest verification, a broken link as JSON.</summary>
[Collection(ServersCollection.Name)]
public sealed class AuditVerificationsTests(TestServers servers)
{
    [Fact]
    public async Task A_tenants_latest_verification_replaces_the_one_before_with_its_broken_link_as_json()
    {
        await using var connection = new NpgsqlConnection(await servers.CreateDatabaseAsync("auditver"));
        await connection.OpenAsync();
        await AuditTables.CreateAsync(connection, CancellationToken.None);
        var tenant = Guid.NewGuid().ToString();
        var earlier = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        await AuditVerifications.RecordAsync(connection, tenant, new AuditVerification(true, 7, null), earlier, CancellationToken.None);
        Assert.Equal($"True|7||{earlier.UtcDateTime:O}", await RowAsync(connection, tenant));

        var broken = new BrokenLink(Guid.Empty, 12, "hash differs", "scoring", 3);
        await AuditVerifications.RecordAsync(connection, tenant, new AuditVerification(false, 9, broken), earlier.AddHours(1),
            CancellationToken.None);
        Assert.Equal($"False|9|hash differs|{earlier.AddHours(1).UtcDateTime:O}", await RowAsync(connection, tenant));
    }

    private static async Task<string> RowAsync(NpgsqlConnection connection, string tenant)
    {
        await using var command = new NpgsqlCommand(
            "select ok, events, first_broken ->> 'reason', verified_at from audit.verifications where tenant_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var row = $"{reader.GetBoolean(0)}|{reader.GetInt64(1)}|{(reader.IsDBNull(2) ? "" : reader.GetString(2))}|{reader.GetDateTime(3):O}";
        Assert.False(await reader.ReadAsync());
        return row;
    }
}
