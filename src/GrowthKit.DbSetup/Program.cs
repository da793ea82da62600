using GrowthKit.DbSetup;
using Npgsql;

// Prepares the database for the services and exits: 0 when done, 1 with the reason otherwise.
// Configuration (environment): ConnectionStrings__postgres-admin (a superuser), and one password per
// role as GrowthKit__Roles__<service> (gateway, icp, leads, scoring, refinement, integrations, web, audit).
var admin = Environment.GetEnvironmentVariable("ConnectionStrings__postgres-admin");
if (string.IsNullOrEmpty(admin))
{
    Console.Error.WriteLine("db-setup: ConnectionStrings__postgres-admin is not set.");
    return 1;
}
var passwords = DatabaseRoles.Services.Append(DatabaseRoles.Auditor)
    .Select(s => (Service: s, Password: Environment.GetEnvironmentVariable($"GrowthKit__Roles__{s}")))
    .Where(p => !string.IsNullOrEmpty(p.Password))
    .ToDictionary(p => p.Service, p => p.Password!);

using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
try
{
    await using var dataSource = NpgsqlDataSource.Create(admin);
    await DatabaseRoles.ApplyAsync(dataSource, passwords, cts.Token);
    Console.WriteLine($"db-setup: roles {string.Join(", ", passwords.Keys.Select(DatabaseRoles.RoleOf))} ready.");
    return 0;
}
catch (Exception e) when (e is NpgsqlException or InvalidOperationException or OperationCanceledException)
{
    Console.Error.WriteLine($"db-setup: {e.Message}");
    return 1;
}
