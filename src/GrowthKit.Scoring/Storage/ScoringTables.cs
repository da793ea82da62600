using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using Marten;
using Npgsql;

namespace GrowthKit.Scoring.Storage;

/// <summary>
/// Flat tables beside the event store, written in the same transaction as the events they index.
/// The events are the ledger; these rows say where each entry lives and carry what reads filter,
/// sort and page on. Their primary keys are the idempotency guards: one snapshot per (lead,
/// snapshot), one score per (lead, ICP, version, snapshot).
/// </summary>
public static class ScoringTables
{
    public const string Schema = "scoring";

    public const string Ddl = $"""

        -- A lead's latest snapshot: what re-scoring pages through (by id) and what a lead read starts from.
        create table if not exists {Schema}.leads (
            tenant_id uuid not null,
            lead_id uuid not null,
            external_id text not null,
            snapshot int not null,
            lead text not null,            -- the normalised snapshot as received: what scores read
            lead_canonical text not null,  -- its RFC 8785 form: what input hashes read
            received_at timestamptz not null,
            primary key (tenant_id, lead_id));
        create index if not exists leads_external_id on {Schema}.leads (tenant_id, external_id);

        -- Where each snapshot was recorded: entry pos of the LeadSnapshotsRecorded event of stream batch_id.
        create table if not exists {Schema}.lead_snapshots (
            tenant_id uuid not null,
            lead_id uuid not null,
            snapshot int not null,
            batch_id uuid not null,
            pos int not null,
            primary key (tenant_id, lead_id, snapshot));

        -- Where each score was recorded (entry pos of the LeadsScored event of stream batch_id), and what
        -- lists rank by. Immutable, like the ledger.
        create table if not exists {Schema}.lead_scores (
            tenant_id uuid not null,
            lead_id uuid not null,
            icp_id uuid not null,
            icp_version int not null,
            snapshot int not null,
            score numeric not null,
            tier text not null,
            disqualified_key text,
            disqualified_reason text,
            model_version text not null,
            input_hash text not null,
            scored_at timestamptz not null,
            batch_id uuid not null,
            pos int not null,
            primary key (tenant_id, lead_id, icp_id, icp_version, snapshot));
        create index if not exists lead_scores_ranking
            on {Schema}.lead_scores (tenant_id, icp_id, icp_version, score desc, lead_id);

        -- Every ICP version scoring has seen (the definition as published; the event store has it too).
        create table if not exists {Schema}.icp_versions (
            tenant_id uuid not null,
            icp_id uuid not null,
            version int not null,
            definition text not null,
            published_at timestamptz not null,
            primary key (tenant_id, icp_id, version));

        -- One re-scoring per published version, in parts by lead id range (after_lead_id, until_lead_id]
        -- worked side by side: each part's checkpoint (the last lead id done) and progress.
        create table if not exists {Schema}.rescorings (
            tenant_id uuid not null,
            icp_id uuid not null,
            icp_version int not null,
            part int not null,
            until_lead_id uuid not null,
            after_lead_id uuid not null,
            total int not null,
            scored int not null,
            started_at timestamptz not null,
            finished_at timestamptz,
            primary key (tenant_id, icp_id, icp_version, part));
        create index if not exists rescorings_unfinished on {Schema}.rescorings (started_at) where finished_at is null;
        -- A part that failed again and again is ended with its reason, so it never holds the others back.
        alter table {Schema}.rescorings add column if not exists failed_reason text;

        -- Lead snapshots that could not be scored (against one version, or at all), with the reason:
        -- set aside so that the rest of their batch, and every other tenant, goes on.
        create table if not exists {Schema}.quarantine (
            id bigserial primary key,
            tenant_id uuid not null,
            lead_id uuid not null,
            snapshot int not null,
            icp_id uuid,
            icp_version int,
            reason text not null,
            quarantined_at timestamptz not null);
        create unique index if not exists quarantine_once on {Schema}.quarantine
            (tenant_id, lead_id, snapshot, coalesce(icp_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(icp_version, 0));
        create index if not exists quarantine_by_tenant on {Schema}.quarantine (tenant_id, id);
        """;

    /// <summary>Every hand-written table of the scoring schema, as one schema object of its Marten store (created by its migration).</summary>
    public static IServiceCollection AddScoringTables(this IServiceCollection services) =>
        services.AddHandWrittenTables($"{Schema}.leads", Ddl + ScoredSnapshots.Ddl + WinCalibrations.Ddl);

    /// <summary>
    /// Wraps <c>lead_scores.icp_version</c> in a lookup by lead so that only the primary key (tenant,
    /// lead, icp, version, snapshot) can serve it. Otherwise, while a re-scoring fills a new version,
    /// the planner's statistics still say the version has no rows and it walks lead_scores_ranking
    /// (tenant, icp, version, score, lead) — every score of the version so far, for each lead probed.
    /// </summary>
    public static string ByPrimaryKey(string icpVersionColumn) => $"({icpVersionColumn} + 0)";

    /// <summary>
    /// Refreshes the planner's statistics of the tables a re-scoring reads. Tables that grew by tens of
    /// thousands of rows since autovacuum last looked make it pick a bitmap scan and sort of every
    /// remaining lead for each page instead of walking the primary key.
    /// </summary>
    public static async Task AnalyzeAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"analyze {Schema}.leads, {Schema}.lead_scores", connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>
/// Registered before the bus (after the schema step, which runs first): what the server supports is known before the first write.
/// </summary>
public sealed class ScoringServerSettings(ScoringDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.DetectCompressionAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
