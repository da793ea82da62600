using System.Collections;
using System.Reflection;
using System.Text.Json;
using GrowthKit.Icp.Icps;
using GrowthKit.Model;

namespace GrowthKit.Services.Tests.RollingUpgrade;

/// <summary>
/// Builds one sample of an event type, so that its stored form can be recorded as a fixture: every
/// constructor argument gets a fixed value of its type (nested records built the same way), and the ICP
/// events get values that make a coherent history of <see cref="Samples.Definition"/> — the keys they
/// change exist, so replaying the recorded stream shows each event's effect.
/// Used only to record a fixture that is missing; a recorded fixture is never rewritten.
/// </summary>
public static class SampleEvents
{
    public static readonly Guid IcpId = Guid.Parse("6f1c2a43-5d1e-4b7a-9a51-3f2f4a0c1d11");
    public static readonly DateTimeOffset At = new(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, Func<object>> Overrides = new()
    {
        ["IcpRenamed.Name"] = () => "Mid-market logistics operators (DACH)",
        ["IcpDescriptionChanged.Description"] = () => "Carriers and wholesalers that still dispatch by hand",
        ["CriterionAdded.Criterion"] = () => Read<Criterion>("""{"key": "fleet", "field": "company.fleetSize", "operator": "gte", "value": 20, "weight": 5}"""),
        ["CriterionAdded.Position"] = () => 1,
        ["CriterionChanged.Key"] = () => "pain",
        ["CriterionChanged.Criterion"] = () => Read<Criterion>("""{"key": "pain", "field": "painPoints", "operator": "anyOf", "values": ["manual_dispatch"], "weight": 12}"""),
        ["CriterionRemoved.Key"] = () => "region",
        ["CriteriaReordered.Keys"] = () => new List<string> { "industry", "size", "fleet", "trigger", "pain", "sales-led" },
        ["DisqualifierAdded.Disqualifier"] = () => Read<Disqualifier>("""{"key": "competitor", "field": "company.industry", "operator": "in", "values": ["Software"], "reason": "Builds dispatch software itself"}"""),
        ["DisqualifierAdded.Position"] = () => 1,
        ["DisqualifierChanged.Key"] = () => "too-small",
        ["DisqualifierChanged.Disqualifier"] = () => Read<Disqualifier>("""{"key": "too-small", "field": "company.employeeCount", "operator": "lt", "value": 20, "reason": "Too small to need dispatch software"}"""),
        ["DisqualifierRemoved.Key"] = () => "competitor",
        ["DisqualifiersReordered.Keys"] = () => new List<string> { "too-small" },
        ["PersonaAdded.Persona"] = () => Read<Persona>("""{"role": "COO", "seniority": ["c-level"], "department": ["operations"]}"""),
        ["PersonaRemoved.Role"] = () => "Head of Operations",
        ["TiersChanged.Tiers"] = () => Read<Tiers>("""{"A": 80, "B": 55, "C": 30}"""),
        ["IcpPublished.Version"] = () => 1,
    };

    public static object Build(Type type) => Value(type, type.Name, "", 0)!;

    private static object? Value(Type type, string owner, string name, int depth)
    {
        if (Overrides.TryGetValue($"{owner}.{name}", out var fixedValue)) return fixedValue();
        if (Nullable.GetUnderlyingType(type) is { } inner) return Value(inner, owner, name, depth);
        if (type == typeof(string)) return $"{name}-sample";
        if (type == typeof(Guid)) return name == "IcpId" ? IcpId : DeterministicId.For("event-fixture", owner, name);
        if (type == typeof(DateTimeOffset)) return At;
        if (type == typeof(DateTime)) return At.UtcDateTime;
        if (type == typeof(int)) return 2;
        if (type == typeof(long)) return 3L;
        if (type == typeof(decimal)) return 42.5m;
        if (type == typeof(double)) return 0.625;
        if (type == typeof(bool)) return true;
        if (type.IsEnum) return Enum.GetValues(type).GetValue(Enum.GetValues(type).Length - 1);
        if (type == typeof(IcpDefinition)) return Samples.Definition();
        if (type == typeof(Lead)) return Samples.IndustrySizeTriggerLead(name + "-sample");
        if (type == typeof(JsonElement))
        {
            return name == "Definition"
                ? Samples.DefinitionElement()
                : Samples.Raw(Samples.IndustrySizeTriggerLead(name + "-sample"));
        }
        if (type.IsGenericType && type.GetGenericArguments() is [var key, var element] && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, element))!;
            dictionary.Add(Value(key, owner, name, depth + 1)!, Value(element, owner, name, depth + 1));
            return dictionary;
        }
        if (type != typeof(string) && type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments() is [var item])
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!;
            list.Add(Value(item, owner, name, depth + 1));
            return list;
        }
        if (depth > 6) throw new InvalidOperationException($"{owner}.{name}: nested too deep to sample");
        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"{type} has no public constructor to sample");
        return constructor.Invoke([.. constructor.GetParameters().Select(p => Value(p.ParameterType, type.Name, p.Name!, depth + 1))]);
    }

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, ModelJson.Options)!;
}
