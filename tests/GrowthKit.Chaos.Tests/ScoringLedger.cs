using Npgsql;

namespace GrowthKit.Chaos.Tests;

/// <summary>What the system stored for one tenant, read straight from PostgreSQL.</summary>
/// <param name="Scored">Accepted leads with a score for every expected ICP version's latest one.</param>
/// <param name="Duplicates">(lead, ICP version, snapshot) entries in the ledger more than once.</param>
/// <param name="Unscored">Accepted leads with no score for the latest version.</param>
/// <param name="Strangers">Leads the stores hold that no 202 named: stored although never accepted.</param>
public sealed record LedgerCheck(int Scored, int Duplicates, int Unscored, int Strangers, int LedgerEntries);

public sealed class ScoringLedger(NpgsqlDataSource database, Guid tenantId)
{
    /// <summary>Leads scored for <paramref name="version"/>: the index table, cheap enough to poll.</summary>
    public async Task<int> CountScoredAsync(int version, CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            "select count(*) from scoring.lead_scores where tenant_id = $1 and icp_version = $2");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        return (int)(long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The full check against the ledger itself (the <c>leads_scored</c> events, not the index rows):
    /// every accepted lead scored for <paramref name="latestVersion"/>, no entry twice, nothing stored
    /// that was not accepted — neither by scoring nor by the leads service.
    /// </summary>
    public async Task<LedgerCheck> CheckAsync(IReadOnlyCollection<Guid> accepted, int latestVersion, CancellationToken ct)
    {
        var entries = new Dictionary<(Guid Lead, int Version, int Snapshot), int>();
        await using (var command = database.CreateCommand("""
            select (s ->> 'leadId')::uuid, (s ->> 'icpVersion')::int, (s ->> 'snapshot')::int, count(*)::int
            from scoring.mt_events e, jsonb_array_elements(e.data -> 'scores') s
            where e.tenant_id = $1 and e.type = 'leads_scored'
            group by 1, 2, 3
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId.ToString() });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                entries[(reader.GetGuid(0), reader.GetInt32(1), reader.GetInt32(2))] = reader.GetInt32(3);
        }

        var acceptedSet = accepted.ToHashSet();
        var latest = entries.Keys.Where(k => k.Version == latestVersion).Select(k => k.Lead).ToHashSet();
        var stored = new HashSet<Guid>(entries.Keys.Select(k => k.Lead));
        stored.UnionWith(await StoredLeadsAsync("select lead_id from scoring.leads where tenant_id = $1", tenantId, ct));
        stored.UnionWith(await StoredLeadsAsync("select id from leads.mt_streams where tenant_id = $1", tenantId.ToString(), ct));

        return new LedgerCheck(
            Scored: acceptedSet.Count(latest.Contains),
            Duplicates: entries.Values.Count(n => n > 1),
            Unscored: acceptedSet.Count(l => !latest.Contains(l)),
            Strangers: stored.Count(l => !acceptedSet.Contains(l)),
            LedgerEntries: entries.Values.Sum());
    }

    private async Task<List<Guid>> StoredLeadsAsync<T>(string sql, T tenant, CancellationToken ct)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = tenant });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }
}
