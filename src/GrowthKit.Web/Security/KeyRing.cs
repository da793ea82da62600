using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Npgsql;

namespace GrowthKit.Web.Security;

public static class KeyRing
{
    public const string ApplicationName = "GrowthKit.Web";
    public const string SecretKey = "GrowthKit:DataProtectionKey";

    /// <summary>
    /// Data Protection keys (they protect the API key kept in the tab's session storage and the
    /// antiforgery tokens) in PostgreSQL, encrypted with the platform's secret: a restart, or a second
    /// instance, reads what the first protected, so nobody is signed out by a deployment.
    /// </summary>
    public static IServiceCollection AddPersistedDataProtection(this IServiceCollection services,
        string connectionString, string secret)
    {
        services.Configure<KeyRingSecret>(s => s.Value = secret);
        services.AddSingleton(_ => new PostgresXmlRepository(NpgsqlDataSource.Create(connectionString)));
        services.AddSingleton<SecretXmlEncryptor>();
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<PostgresXmlRepository, SecretXmlEncryptor>((o, repository, encryptor) =>
        {
            o.XmlRepository = repository;
            o.XmlEncryptor = encryptor;
        });
        return services;
    }

    public static WebApplicationBuilder AddPersistedDataProtection(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(GrowthKit.ServiceDefaults.EventStore.ConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{GrowthKit.ServiceDefaults.EventStore.ConnectionName} is not configured: the web app keeps its Data Protection keys in PostgreSQL.");
        var secret = builder.Configuration[SecretKey] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{SecretKey} is not configured: it encrypts the web app's Data Protection keys at rest.");
        builder.Services.AddPersistedDataProtection(connectionString, secret);
        return builder;
    }
}
