using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace GrowthKit.ServiceDefaults.Security;

/// <summary>
/// Data Protection keys in PostgreSQL (the service's own schema), encrypted at rest with a platform
/// secret: a restart, or a second instance, reads what the first protected. The web app protects its
/// sessions with it; the integrations service the CRM tokens and webhook secrets it must keep.
/// </summary>
public static class KeyRing
{
    /// <summary>The platform secret that encrypts the key ring (the AppHost's <c>{service}-data-protection-key</c>).</summary>
    public const string SecretKey = "GrowthKit:DataProtectionKey";

    public static IServiceCollection AddPersistedDataProtection(this IServiceCollection services,
        string connectionString, string secret, string applicationName, string schema)
    {
        services.Configure<KeyRingSecret>(s =>
        {
            s.Value = secret;
            s.ApplicationName = applicationName;
        });
        services.AddSingleton(_ => new PostgresXmlRepository(NpgsqlDataSource.Create(connectionString), schema));
        services.AddDatabaseMigration(sp => new DataProtectionKeysMigration(NpgsqlDataSource.Create(connectionString), schema));
        services.AddSingleton<SecretXmlEncryptor>();
        services.AddDataProtection().SetApplicationName(applicationName);
        services.AddOptions<KeyManagementOptions>().Configure<PostgresXmlRepository, SecretXmlEncryptor>((o, repository, encryptor) =>
        {
            o.XmlRepository = repository;
            o.XmlEncryptor = encryptor;
        });
        return services;
    }

    public static IHostApplicationBuilder AddPersistedDataProtection(this IHostApplicationBuilder builder,
        string applicationName, string schema)
    {
        var connectionString = builder.Configuration.GetConnectionString(Database.ConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{Database.ConnectionName} is not configured: Data Protection keys are kept in PostgreSQL.");
        var secret = builder.Configuration[SecretKey] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{SecretKey} is not configured: it encrypts the Data Protection keys at rest.");
        builder.Services.AddPersistedDataProtection(connectionString, secret, applicationName, schema);
        return builder;
    }
}
