using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// What a compromised part can reach: each service's database login reads its own schema and nothing
/// else, no service holds the key that mints internal tokens, and a token made for one service (or
/// signed any other way) is refused by every other.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class LeastPrivilegeTests(GrowthKitApp system)
{
    private static readonly string[] Services = ["gateway", "icp", "leads", "scoring", "refinement", "integrations"];

    public static TheoryData<string, string> ForeignSchemas()
    {
        var data = new TheoryData<string, string>();
        foreach (var login in Services)
        {
            foreach (var schema in Services.Where(s => s != login)) data.Add(login, schema);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ForeignSchemas))]
    public async Task A_service_login_cannot_read_another_service_schema(string login, string schema)
    {
        await using var connection = await OpenAsync(login);

        // Its own schema is readable (the control: the login works and its tables are there)...
        await using (var own = new NpgsqlCommand($"select count(*) from {await AnyTableAsync(connection, login)}", connection))
        {
            await own.ExecuteScalarAsync();
        }
        // ...another service's is not: permission denied (42501), not an empty answer.
        await using var foreign = new NpgsqlCommand($"select count(*) from {await AnyTableAsync(connection, schema)}", connection);
        var denied = await Assert.ThrowsAsync<PostgresException>(() => foreign.ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [Theory]
    [InlineData("leads")]
    [InlineData("scoring")]
    public async Task A_service_login_is_no_superuser_and_cannot_create_roles_or_databases(string login)
    {
        await using var connection = await OpenAsync(login);
        await using var rights = new NpgsqlCommand(
            "select rolsuper, rolcreaterole, rolcreatedb, rolbypassrls from pg_roles where rolname = current_user", connection);
        await using var reader = await rights.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.All(Enumerable.Range(0, 4), i => Assert.False(reader.GetBoolean(i)));
    }

    [Fact]
    public async Task The_auditor_login_reads_the_chained_schemas_but_cannot_change_them()
    {
        await using var connection = await OpenAsync("audit");
        await using (var read = new NpgsqlCommand("select count(*) from icp.mt_events", connection)) await read.ExecuteScalarAsync();
        await using var write = new NpgsqlCommand("delete from icp.mt_events where false", connection);
        var denied = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        await using var leads = new NpgsqlCommand("select count(*) from leads.mt_events", connection);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege,
            (await Assert.ThrowsAsync<PostgresException>(() => leads.ExecuteScalarAsync())).SqlState);
    }

    [Fact]
    public async Task Only_the_gateway_holds_the_private_token_key()
    {
        var model = system.App.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var project in model.Resources.OfType<ProjectResource>())
        {
            var variables = await EnvironmentOf(project);
            Assert.Equal(project.Name == "gateway", variables.ContainsKey("GrowthKit__InternalTokenPrivateKey"));
            if (variables.TryGetValue("GrowthKit__InternalTokenPublicKey", out var publicKey))
            {
                Assert.DoesNotContain("PRIVATE KEY", publicKey);
            }
        }
    }

    [Fact]
    public async Task A_token_for_one_service_is_refused_by_another_and_tokens_signed_otherwise_are_refused()
    {
        var tenant = await system.CreateTenantAsync();
        var privateKey = await ParameterAsync("internal-token-private-key");
        var gatewayKey = InternalToken.SigningKey(privateKey);
        using var scoring = system.App.CreateHttpClient("scoring", "http");
        const string route = "/api/leads";

        // The control: a token the gateway's key made for scoring is accepted (authenticated: not 401)...
        Assert.NotEqual(HttpStatusCode.Unauthorized, await CallAsync(scoring, route,
            InternalToken.Create(gatewayKey, "scoring", tenant.TenantId, "auditor", Guid.NewGuid(), DateTimeOffset.UtcNow)));

        // ...the same key's token for the leads service is not (a service that got one cannot replay it elsewhere)...
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(scoring, route,
            InternalToken.Create(gatewayKey, "leads", tenant.TenantId, "replayer", Guid.NewGuid(), DateTimeOffset.UtcNow)));

        // ...nor one signed by any other key, nor an HMAC token keyed with the public key (algorithm confusion), nor "none".
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(scoring, route,
            InternalToken.Create(InternalToken.SigningKey(InternalToken.NewKeyPair().PrivateKeyPem), "scoring", tenant.TenantId,
                "forger", Guid.NewGuid(), DateTimeOffset.UtcNow)));
        var publicPem = await ParameterAsync("internal-token-public-key");
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(scoring, route, Unsigned(tenant.TenantId,
            new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(publicPem)), SecurityAlgorithms.HmacSha256))));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(scoring, route, Unsigned(tenant.TenantId, null)));
    }

    /// <summary>A table of the schema, from the catalog (which every login may read).</summary>
    private static async Task<string> AnyTableAsync(NpgsqlConnection connection, string schema)
    {
        await using var command = new NpgsqlCommand(
            "select c.oid::regclass::text from pg_class c where c.relnamespace = $1::regnamespace and c.relkind = 'r' order by c.relname limit 1",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
        return await command.ExecuteScalarAsync() as string ?? throw new InvalidOperationException($"Schema {schema} has no table.");
    }

    private static string Unsigned(Guid tenantId, SigningCredentials? credentials) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = InternalToken.Issuer,
            Audience = InternalToken.AudienceOf("scoring"),
            Expires = DateTime.UtcNow.AddMinutes(1),
            Subject = new ClaimsIdentity([new Claim(InternalToken.TenantClaim, tenantId.ToString())]),
            SigningCredentials = credentials,
        });

    private static async Task<HttpStatusCode> CallAsync(HttpClient client, string route, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, route);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<NpgsqlConnection> OpenAsync(string login)
    {
        var connectionString = await system.App.GetConnectionStringAsync($"growthkit-{login}")
                               ?? throw new InvalidOperationException($"No connection string for {login}.");
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task<string> ParameterAsync(string name)
    {
        var model = system.App.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(p => p.Name == name);
        return await parameter.GetValueAsync(CancellationToken.None) ?? throw new InvalidOperationException(name);
    }

    private static async Task<Dictionary<string, string>> EnvironmentOf(ProjectResource project)
    {
        var values = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run),
            project, values);
        foreach (var annotation in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await annotation.Callback(context);
        }
        var result = new Dictionary<string, string>();
        foreach (var (name, value) in values)
        {
            result[name] = value switch
            {
                string text => text,
                IValueProvider provider => await provider.GetValueAsync(CancellationToken.None) ?? "",
                _ => value.ToString() ?? "",
            };
        }
        return result;
    }
}
