using System.Text;
using System.Text.Json.Nodes;
using GrowthKit.Icp.Icps;
using GrowthKit.Services.Tests.Infrastructure;

namespace GrowthKit.Services.Tests.RollingUpgrade;

/// <summary>
/// The rolling upgrade drill's first half: during a rolling upgrade the new code reads events the old
/// code wrote. Every event type each service stores has a recorded fixture of its stored form
/// (Fixtures/events/v1/{service}/{event type name}.json: Marten's System.Text.Json, camelCase, enums
/// as strings), and today's code must read every fixture as it was recorded. A change of an event's
/// shape fails here until the old shape stays readable (a new name for the new shape and an upcaster
/// for the old one, as IcpDrafted has) and the new shape is recorded too.
/// Set GROWTHKIT_RECORD_EVENT_FIXTURES=1 to record the fixtures of new event types; recorded ones are never rewritten.
/// </summary>
public sealed class EventFixtureTests
{
    public static readonly string Root = Path.Combine(RepoRoot.Path, "tests", "GrowthKit.Services.Tests", "Fixtures", "events", "v1");

    /// <summary>Older shapes still stored under their old names, read through an upcaster: recorded in that shape.</summary>
    public static readonly IReadOnlyDictionary<string, Type> OlderShapes = new Dictionary<string, Type>
    {
        [IcpEventTypes.IcpDraftedV1Name] = typeof(IcpDraftedV1),
    };

    public static IEnumerable<object[]> Services => EventStores.Services.Select(s => new object[] { s });

    /// <summary>Every name the service's stored events carry: today's event types and the older shapes it still reads.</summary>
    public static IReadOnlyDictionary<string, Type> StoredNames(string service)
    {
        var names = EventStores.EventTypes(service).ToDictionary();
        if (service == "icp")
        {
            foreach (var (name, type) in OlderShapes) names[name] = type;
        }
        return names;
    }

    public static string FixturePath(string service, string eventTypeName) => Path.Combine(Root, service, eventTypeName + ".json");

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_event_type_a_service_stores_has_a_recorded_fixture(string service)
    {
        var types = StoredNames(service);
        Assert.NotEmpty(types);
        RecordIfAsked(service);

        var missing = types.Keys.Where(name => !File.Exists(FixturePath(service, name))).Order().ToList();
        Assert.True(missing.Count == 0,
            $"No recorded fixture for {string.Join(", ", missing)} in {Path.Combine(Root, service)}: record it (GROWTHKIT_RECORD_EVENT_FIXTURES=1) and commit it.");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_recorded_event_type_is_still_known(string service)
    {
        RecordIfAsked(service);
        var types = StoredNames(service);
        var orphans = Directory.EnumerateFiles(Path.Combine(Root, service), "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => !types.ContainsKey(name!))
            .ToList();
        Assert.True(orphans.Count == 0,
            $"{string.Join(", ", orphans)} can no longer be read by {service}: stored events keep their names; map the old name to an upcaster.");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_recorded_event_reads_as_todays_event_and_loses_nothing(string service)
    {
        var serializer = EventStores.For(service).Serializer();
        RecordIfAsked(service);
        foreach (var (name, type) in StoredNames(service))
        {
            var recorded = File.ReadAllText(FixturePath(service, name));
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(recorded));
            var read = serializer.FromJson(type, stream);
            Assert.IsType(type, read);

            // Written back, it is what was recorded: no field lost, renamed or added.
            var written = serializer.ToJson(read);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(recorded), JsonNode.Parse(written)),
                $"{service} {name} ({type.Name}) no longer has the recorded shape.{Environment.NewLine}recorded: {recorded}{Environment.NewLine}today:    {written}{Environment.NewLine}"
                + "Keep the recorded shape readable under its name (an upcaster to the new type, whose new name gets a fixture of its own).");
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Records the missing fixtures when GROWTHKIT_RECORD_EVENT_FIXTURES=1; never rewrites one.</summary>
    private static void RecordIfAsked(string service)
    {
        if (Environment.GetEnvironmentVariable("GROWTHKIT_RECORD_EVENT_FIXTURES") != "1") return;
        var types = StoredNames(service);
        var serializer = EventStores.For(service).Serializer();
        Directory.CreateDirectory(Path.Combine(Root, service));
        foreach (var (name, type) in types)
        {
            var path = FixturePath(service, name);
            if (File.Exists(path)) continue;
            var json = JsonNode.Parse(serializer.ToJson(SampleEvents.Build(type)))!.ToJsonString(Indented);
            File.WriteAllText(path, json + Environment.NewLine);
        }
    }
}
