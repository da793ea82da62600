using GrowthKit.Icp;
using GrowthKit.Leads;
using GrowthKit.Platform.Persistence;
using GrowthKit.Refinement;
using GrowthKit.Scoring;
using GrowthKit.ServiceDefaults;
using GrowthKit.Services.Tests.Infrastructure;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GrowthKit.Services.Tests.RollingUpgrade;

/// <summary>
/// The Marten configuration of each service that keeps event streams, exactly as its Program.cs registers
/// it (event type names, upcasters, serializer), built without a database: nothing here connects.
/// </summary>
public static class EventStores
{
    public static readonly IReadOnlyList<string> Services = ["icp", "leads", "scoring", "refinement"];

    private static readonly Dictionary<string, Func<WebApplicationBuilder, WebApplicationBuilder>> Registrations = new()
    {
        ["icp"] = b => { b.AddIcpServices(); return b; },
        ["leads"] = b => { b.AddLeadServices(); return b; },
        ["scoring"] = b => { b.AddScoringServices(); return b; },
        ["refinement"] = b => { b.AddRefinementServices(); return b; },
    };

    private static readonly Lazy<IReadOnlyDictionary<string, StoreOptions>> Options = new(() =>
        Services.ToDictionary(s => s, Build));

    public static StoreOptions For(string service) => Options.Value[service];

    /// <summary>Every event type name the service's store knows, with the .NET type it reads as.</summary>
    public static IReadOnlyDictionary<string, Type> EventTypes(string service) =>
        ((Marten.Events.EventGraph)For(service).Events).AllKnownEventTypes()
            .GroupBy(e => e.EventTypeName)
            .ToDictionary(g => g.Key, g => g.First().EventType);

    private static StoreOptions Build(string service)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Never opened: the store is only asked for its configuration.
            ["ConnectionStrings:" + EventStore.ConnectionName] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none",
            ["ConnectionStrings:messaging"] = "amqp://none:none@127.0.0.1:1",
            // The bus is built (the relays need it) but never started: no queue to convert.
            [Platform.Messaging.Messaging.ConvertClassicQueuesKey] = "false",
            [ServiceDefaults.Tenancy.InternalToken.PublicKeyConfigurationKey] = ServiceDefaults.Tenancy.InternalToken.NewKeyPair().PublicKeyPem,
            ["GrowthKit:AuditSigningKey"] = "00112233445566778899aabbccddeeff0011223344556677",
        });
        Registrations[service](builder);
        var app = builder.Build();
        return ((DocumentStore)app.Services.GetRequiredService<IDocumentStore>()).Options;
    }
}
