using System.Net;
using GrowthKit.Integrations;
using GrowthKit.Platform.Persistence;
using GrowthKit.Scoring;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Weasel.Core;

namespace GrowthKit.Services.Tests.Migrations;

/// <summary>
/// Outside development a service never changes its schema (Marten AutoCreate.None): on an empty
/// database it refuses to start and says why; <c>db-apply</c> (what eng/migrate.sh runs per service)
/// creates everything — Marten's tables and the hand-written ones, which are schema objects of the
/// store — after which it starts and works, and a second <c>db-apply</c> changes nothing.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SchemaMigrationTests(TestServers servers)
{
    [Fact]
    public async Task Scoring_outside_development_refuses_an_empty_database_then_starts_and_works_after_db_apply()
    {
        var database = await servers.CreateDatabaseAsync("migrate");

        var refused = await Assert.ThrowsAsync<SchemaNotMigratedException>(() => ProductionScoring(database).StartAsync(Map));
        Assert.Contains("db-apply", refused.Message);
        Assert.Contains("'scoring'", refused.Message);
        Assert.Null(await ServiceHost.ScalarAsync(database, "select to_regclass('scoring.lead_scores')::text"));
        Assert.Null(await ServiceHost.ScalarAsync(database, "select to_regclass('scoring.mt_events')::text"));

        Assert.Equal(0, await ProductionScoring(database).DbApplyAsync());
        Assert.NotNull(await ServiceHost.ScalarAsync(database, "select to_regclass('scoring.lead_scores')::text"));
        Assert.NotNull(await ServiceHost.ScalarAsync(database, "select to_regclass('scoring.usage')::text"));

        var app = await ProductionScoring(database).StartAsync(Map);
        try
        {
            var store = app.Services.GetRequiredService<IDocumentStore>();
            Assert.Equal(JasperFx.AutoCreate.None, ((DocumentStore)store).Options.AutoCreateSchemaObjects);
            await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
            // A read that goes through the hand-written tables: the lead list of an ICP.
            var response = await app.ClientFor("scoring", Guid.NewGuid()).GetAsync($"api/leads?icpId={Guid.NewGuid()}");
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        finally
        {
            await app.StopAndDisposeAsync();
        }
    }

    [Fact]
    public async Task Running_db_apply_twice_changes_nothing()
    {
        var database = await servers.CreateDatabaseAsync("migrate");
        Assert.Equal(0, await ProductionScoring(database).DbApplyAsync());
        var first = await CatalogAsync(database);

        var app = ProductionScoring(database).Build();
        try
        {
            var migration = await app.Services.GetRequiredService<IDocumentStore>().Storage.CreateMigrationAsync();
            Assert.Equal(SchemaPatchDifference.None, migration.Difference);
            Assert.Equal(0, await app.RunOrApplySchemaAsync([SchemaMigrations.ApplyCommand]));
        }
        finally
        {
            await app.DisposeAsync();
        }
        Assert.Equal(first, await CatalogAsync(database));
    }

    [Fact]
    public async Task Tables_an_earlier_release_made_by_hand_are_brought_up_to_date_without_losing_rows()
    {
        var database = await servers.CreateDatabaseAsync("migrate");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            // As the previous release did at start-up: plain DDL, no version marker.
            await Database.ApplyAsync(connection, "test", ScoringTables.Schema, ScoringTables.Ddl, CancellationToken.None);
            await using var insert = new NpgsqlCommand(
                "insert into scoring.leads values (gen_random_uuid(), gen_random_uuid(), 'x-1', 1, '{}', '{}', now())", connection);
            await insert.ExecuteNonQueryAsync();
        }

        Assert.Equal(0, await ProductionScoring(database).DbApplyAsync());
        Assert.Equal(1L, await ServiceHost.ScalarAsync(database, "select count(*) from scoring.leads"));
        Assert.StartsWith("growthkit-ddl:", (string?)await ServiceHost.ScalarAsync(database, "select obj_description('scoring.leads'::regclass, 'pg_class')"));
        Assert.NotNull(await ServiceHost.ScalarAsync(database, "select to_regclass('scoring.win_calibrations')::text"));
        var app = await ProductionScoring(database).StartAsync(Map);
        await app.StopAndDisposeAsync();
    }

    [Fact]
    public async Task Integrations_migrates_its_tables_and_data_protection_keys_with_db_apply()
    {
        var database = await servers.CreateDatabaseAsync("migrate");
        await Assert.ThrowsAsync<SchemaNotMigratedException>(() => ProductionIntegrations(database).StartAsync(MapIntegrations));

        Assert.Equal(0, await ProductionIntegrations(database).DbApplyAsync());
        foreach (var table in new[] { "integrations.imports", "integrations.import_chunks", "integrations.webhooks", "integrations.webhook_deliveries",
                     "integrations.data_protection_keys" })
        {
            Assert.NotNull(await ServiceHost.ScalarAsync(database, $"select to_regclass('{table}')::text"));
        }
        var app = await ProductionIntegrations(database).StartAsync(MapIntegrations);
        try
        {
            await app.Services.GetRequiredService<IDocumentStore>().Storage.Database.AssertDatabaseMatchesConfigurationAsync();
        }
        finally
        {
            await app.StopAndDisposeAsync();
        }
    }

    [Theory]
    [InlineData("Development", null, true)]
    [InlineData("Production", null, false)]
    [InlineData("Staging", null, false)]
    [InlineData("Production", "true", true)]
    [InlineData("Development", "false", false)]
    public void Only_development_applies_schema_changes_at_start_up_unless_configured(string environment, string? setting, bool applies)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration[SchemaMigrations.ApplyOnStartupKey] = setting;
        Assert.Equal(applies, builder.ApplyOnStartup());
    }

    [Fact]
    public void The_throwaway_settings_of_db_apply_name_the_platform_layers_own_keys()
    {
        // ServiceDefaults names these by value (it comes before the platform projects): they must stay the keys the layers read.
        Assert.Equal($"ConnectionStrings:{GrowthKit.Platform.Messaging.Messaging.ConnectionName}", SchemaMigrations.BrokerConnectionKey);
        Assert.Equal(GrowthKit.Platform.Persistence.Audit.AuditSigner.ConfigurationKey, SchemaMigrations.AuditSigningKey);
        Assert.Equal(EventStore.ConnectionName, Database.ConnectionName);
    }

    private WebApplicationBuilder ProductionScoring(string database)
    {
        return ServiceHost.CreateProductionBuilder(servers, database).AddScoringService();
    }

    private WebApplicationBuilder ProductionIntegrations(string database)
    {
        var builder = ServiceHost.CreateProductionBuilder(servers, database);
        builder.Configuration["GrowthKit:DataProtectionKey"] = "migration-test-data-protection-secret-0123456789";
        return builder.AddIntegrationsService();
    }

    private static void Map(WebApplication app) => app.MapScoringService();

    private static void MapIntegrations(WebApplication app) => app.MapIntegrationsService();

    /// <summary>Every column, index, function and table comment of the service's schema.</summary>
    private static async Task<string> CatalogAsync(string database) =>
        (string)(await ServiceHost.ScalarAsync(database, """
            select string_agg(line, E'\n' order by line) from (
              select format('column %s.%s %s %s', table_name, column_name, data_type, is_nullable) as line
                from information_schema.columns where table_schema = 'scoring'
              union all select format('index %s %s', indexname, indexdef) from pg_indexes where schemaname = 'scoring'
              union all select format('function %s %s', p.proname, md5(p.prosrc)) from pg_proc p where p.pronamespace = 'scoring'::regnamespace
              union all select format('comment %s %s', c.relname, obj_description(c.oid, 'pg_class')) from pg_class c
                where c.relnamespace = 'scoring'::regnamespace and c.relkind = 'r') lines
            """))!;
}
