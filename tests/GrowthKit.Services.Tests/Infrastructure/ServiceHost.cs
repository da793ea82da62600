using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using GrowthKit.ServiceDefaults.Tenancy;
using Microsoft.IdentityModel.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrowthKit.Services.Tests.Infrastructure;

/// <summary>
/// Hosts wired like a service's Program.cs (a web application: the services' registrations expect
/// routing), pointed at the test servers and listening on a random loopback port.
/// </summary>
internal static class ServiceHost
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private static readonly (string Private, string Public) TokenKeys = InternalToken.NewKeyPair();

    /// <summary>The gateway's part: signs the internal tokens the test clients send (the hosts get only the public key).</summary>
    public static ECDsaSecurityKey TokenKey { get; } = InternalToken.SigningKey(TokenKeys.Private);

    /// <param name="database">The fixture's own database (<see cref="TestServers.CreateDatabaseAsync"/>), if it uses Marten.</param>
    public static WebApplicationBuilder CreateBuilder(TestServers servers, string? database = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // Development validates scopes and the container on build, as a developer's run would.
            EnvironmentName = Environments.Development,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:growthkit"] = database,
            ["ConnectionStrings:messaging"] = servers.RabbitMqConnectionString,
            [InternalToken.PublicKeyConfigurationKey] = TokenKeys.Public,
            ["GrowthKit:AuditSigningKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)),
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        return builder;
    }

    /// <summary>A host as outside development: the service only checks its schema (<c>ApplyOnStartup</c> false) and refuses a missing change.</summary>
    public static WebApplicationBuilder CreateProductionBuilder(TestServers servers, string database)
    {
        var builder = CreateBuilder(servers, database);
        builder.Configuration[GrowthKit.ServiceDefaults.SchemaMigrations.ApplyOnStartupKey] = "false";
        return builder;
    }

    /// <summary>The service's <c>db-apply</c> (what eng/migrate.sh runs): builds the host, applies every migration, answers the exit code.</summary>
    public static async Task<int> DbApplyAsync(this WebApplicationBuilder builder)
    {
        await using var app = builder.Build();
        return await GrowthKit.ServiceDefaults.SchemaMigrations.RunOrApplySchemaAsync(app, [GrowthKit.ServiceDefaults.SchemaMigrations.ApplyCommand]);
    }

    /// <summary>One value of <paramref name="sql"/> in <paramref name="database"/>; null for no row or SQL null.</summary>
    public static async Task<object?> ScalarAsync(string database, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    /// <summary>Builds the application, lets <paramref name="map"/> add its middleware and endpoints, and starts it.</summary>
    public static async Task<WebApplication> StartAsync(this WebApplicationBuilder builder, Action<WebApplication>? map = null)
    {
        var host = builder.Build();
        try
        {
            map?.Invoke(host);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await host.StartAsync(cts.Token);
            return host;
        }
        catch
        {
            await host.StopAndDisposeAsync();
            throw;
        }
    }

    /// <summary>A client of the started <paramref name="app"/> for <paramref name="tenant"/>, with the token the gateway would mint for <paramref name="service"/>.</summary>
    public static HttpClient ClientFor(this WebApplication app, string service, Guid tenant, string actor = "alice",
        IEnumerable<Claim>? claims = null, TimeSpan? timeout = null) =>
        app.Client(InternalToken.Create(TokenKey, service, tenant, actor, Guid.NewGuid(), DateTimeOffset.UtcNow, claims: claims), timeout);

    /// <summary>A client of the started <paramref name="app"/> with the gateway's platform token (no tenant).</summary>
    public static HttpClient PlatformClientFor(this WebApplication app, string service, TimeSpan? timeout = null) =>
        app.Client(InternalToken.CreatePlatform(TokenKey, service, "platform", DateTimeOffset.UtcNow), timeout);

    private static HttpClient Client(this WebApplication app, string token, TimeSpan? timeout)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        if (timeout is { } wait) client.Timeout = wait;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task StopAndDisposeAsync(this IHost host)
    {
        using var cts = new CancellationTokenSource(StopTimeout);
        try
        {
            await host.StopAsync(cts.Token);
        }
        finally
        {
            if (host is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else host.Dispose();
        }
    }
}
