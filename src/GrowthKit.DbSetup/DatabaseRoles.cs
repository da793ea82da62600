using GrowthKit.Platform.Persistence.Audit;
using Npgsql;

namespace GrowthKit.DbSetup;

/// <summary>
/// Least privilege in PostgreSQL: each service logs in as its own role, which owns its own schema and
/// has no right on any other; the superuser is used only here, to create them. Run before the
/// services at every start (idempotent): roles and passwords, schemas and their owners (objects an
/// earlier version created as the superuser are handed to the schema's role), and the audit schema.
/// </summary>
public static class DatabaseRoles
{
    /// <summary>The services with a schema of their own: the role is <c>growthkit_{name}</c>, the schema <c>{name}</c>.</summary>
    public static readonly IReadOnlyList<string> Services = ["gateway", "icp", "leads", "scoring", "refinement", "integrations", "web"];

    /// <summary>The services whose events are hash-chained (they write the audit schema's chain tables).</summary>
    public static readonly IReadOnlyList<string> Chained = ["icp", "scoring"];

    /// <summary>
    /// The auditor: owns the audit schema and reads (never writes) the chained services' schemas, to
    /// verify and export the chains. The scoring service, which serves the audit routes, holds it.
    /// </summary>
    public const string Auditor = "audit";

    public static string RoleOf(string service) => $"growthkit_{service}";

    /// <summary>Creates or updates every role; <paramref name="passwords"/> maps a service (or the auditor) to its password.</summary>
    public static async Task ApplyAsync(NpgsqlDataSource superuser, IReadOnlyDictionary<string, string> passwords, CancellationToken ct)
    {
        await using var connection = await superuser.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Execute(connection, "select pg_advisory_xact_lock(hashtext('growthkit-db-setup'))", ct);

        foreach (var service in Services.Append(Auditor))
        {
            if (!passwords.TryGetValue(service, out var password) || password.Length < 16)
            {
                throw new InvalidOperationException($"The password of {RoleOf(service)} is missing or shorter than 16 characters.");
            }
            await EnsureRoleAsync(connection, RoleOf(service), password, ct);
        }

        foreach (var service in Services)
        {
            await EnsureSchemaAsync(connection, service, RoleOf(service), ct);
        }

        // The audit tables are created here, as the superuser, and handed to the auditor.
        await AuditTables.CreateAsync(connection, ct);
        var auditor = RoleOf(Auditor);
        await EnsureSchemaAsync(connection, AuditTables.Schema, auditor, ct);
        foreach (var service in Chained)
        {
            var role = RoleOf(service);
            // A chained service appends its links and heads in the transaction of its own events.
            await Execute(connection, $"""
                grant usage on schema {AuditTables.Schema} to {role};
                grant select, insert, update on all tables in schema {AuditTables.Schema} to {role};
                alter default privileges for role {auditor} in schema {AuditTables.Schema} grant select, insert, update on tables to {role};
                grant usage on schema {service} to {auditor};
                grant select on all tables in schema {service} to {auditor};
                alter default privileges for role {role} in schema {service} grant select on tables to {auditor};
                """, ct);
        }
        await tx.CommitAsync(ct);
    }

    private static async Task EnsureRoleAsync(NpgsqlConnection connection, string role, string password, CancellationToken ct)
    {
        // The password travels as a parameter (into a transaction-local setting), never spliced into a statement's text.
        await using (var set = new NpgsqlCommand("select set_config('growthkit.role_password', $1, true)", connection))
        {
            set.Parameters.Add(new NpgsqlParameter<string> { TypedValue = password });
            await set.ExecuteNonQueryAsync(ct);
        }
        await Execute(connection, $"""
            do $$
            begin
              if not exists (select from pg_roles where rolname = '{role}') then
                execute format('create role %I login', '{role}');
              end if;
              execute format('alter role %I with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password %L',
                '{role}', current_setting('growthkit.role_password'));
            end $$;
            select set_config('growthkit.role_password', '', true);
            """, ct);
    }

    /// <summary>
    /// The schema exists and belongs to <paramref name="role"/>, with every table, sequence and function
    /// in it: data an earlier version wrote as the superuser stays readable by the service.
    /// </summary>
    private static Task EnsureSchemaAsync(NpgsqlConnection connection, string schema, string role, CancellationToken ct) =>
        Execute(connection, $$"""
            create schema if not exists {{schema}} authorization {{role}};
            alter schema {{schema}} owner to {{role}};
            revoke all on schema {{schema}} from public;
            do $$
            declare r record;
            begin
              -- Tables first: a table's owned sequences (serial, identity) follow it.
              for r in select c.oid::regclass as name, c.relkind from pg_class c
                       where c.relnamespace = '{{schema}}'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'f')
                         and c.relowner <> '{{role}}'::regrole loop
                execute format('alter %s %s owner to %I',
                  case r.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end,
                  r.name, '{{role}}');
              end loop;
              for r in select c.oid::regclass as name from pg_class c
                       where c.relnamespace = '{{schema}}'::regnamespace and c.relkind = 'S' and c.relowner <> '{{role}}'::regrole
                         and not exists (select from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i')) loop
                execute format('alter sequence %s owner to %I', r.name, '{{role}}');
              end loop;
              for r in select p.oid::regprocedure as name, p.prokind from pg_proc p
                       where p.pronamespace = '{{schema}}'::regnamespace and p.proowner <> '{{role}}'::regrole loop
                execute format('alter %s %s owner to %I',
                  case r.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end, r.name, '{{role}}');
              end loop;
              for r in select t.oid::regtype as name from pg_type t
                       where t.typnamespace = '{{schema}}'::regnamespace and t.typowner <> '{{role}}'::regrole
                         and (t.typtype in ('e', 'd') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c')) loop
                execute format('alter type %s owner to %I', r.name, '{{role}}');
              end loop;
            end $$;
            """, ct);

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
