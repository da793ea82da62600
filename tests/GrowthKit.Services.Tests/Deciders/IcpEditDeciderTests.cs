using GrowthKit.Icp.Icps;
using GrowthKit.Icp.Icps.Editing;
using GrowthKit.Model;

namespace GrowthKit.Services.Tests.Deciders;

/// <summary>
/// Given a drafted ICP, when its draft is replaced, then the events are the fine-grained changes —
/// and replaying them gives exactly the new draft.
/// </summary>
public sealed class IcpEditDeciderTests
{
    private static readonly Guid IcpId = Guid.CreateVersion7();
    private static readonly DateTimeOffset Now = new(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);

    private static IcpState Given(IcpDefinition draft) =>
        IcpState.Create(new IcpDrafted(IcpId, draft, "alice", null, Now.AddDays(-1)));

    private static IReadOnlyList<object> When(IcpState state, IcpDefinition next) =>
        EditIcpFeature.Decide(new EditIcp(IcpId, next, "bob", "tighten the ICP"), state, Now);

    private static Criterion Criterion(IcpDefinition d, string key) => d.Criteria!.Single(c => c.Key == key);

    private static IcpDefinition WithCriteria(IcpDefinition d, params Criterion[] criteria) => d with { Criteria = criteria };

    public static TheoryData<string, Func<IcpDefinition, IcpDefinition>, string[]> Edits => new()
    {
        { "nothing changed", d => d, [] },
        { "a weight changed", d => d with { Criteria = d.Criteria!.Select(c => c.Key == "pain" ? c with { Weight = 12 } : c).ToList() },
            ["CriterionChanged"] },
        { "a criterion removed", d => d with { Criteria = d.Criteria!.Where(c => c.Key != "trigger").ToList() }, ["CriterionRemoved"] },
        { "a criterion added in the middle", d => d with
            {
                Criteria = [.. d.Criteria!.Take(2),
                    new Criterion("revenue", "company.annualRevenue", "gte", null, null, null, Number(1_000_000), 5),
                    .. d.Criteria!.Skip(2)],
            }, ["CriterionAdded"] },
        { "criteria reordered", d => d with { Criteria = d.Criteria!.Reverse().ToList() }, ["CriteriaReordered"] },
        { "renamed and described", d => d with { Name = "Logistics, refined", Description = "now with revenue" },
            ["IcpRenamed", "IcpDescriptionChanged"] },
        { "a disqualifier changed and one added", d => d with
            {
                Disqualifiers = [d.Disqualifiers![0] with { Value = Number(20) },
                    new Disqualifier("competitor", "attributes.isCompetitor", "exists", null, null, null, null, "A competitor")],
            }, ["DisqualifierChanged", "DisqualifierAdded"] },
        { "all disqualifiers removed", d => d with { Disqualifiers = [] }, ["DisqualifierRemoved"] },
        { "a persona changed", d => d with { Personas = [d.Personas![0] with { Seniority = ["c_level"] }] },
            ["PersonaRemoved", "PersonaAdded"] },
        { "a persona added", d => d with { Personas = [.. d.Personas!, new Persona("Dispatcher", null, ["operations"])] }, ["PersonaAdded"] },
        { "tiers changed", d => d with { Tiers = new Tiers(80, 60, 30) }, ["TiersChanged"] },
        { "everything at once", d => d with
            {
                Name = "Everything",
                Criteria = [Criterion(d, "size") with { Min = 20 }, Criterion(d, "industry"),
                    new Criterion("funding", "signals", "anyOf", [Text("series_b")], null, null, null, 12)],
                Disqualifiers = null,
                Tiers = new Tiers(70, 50, 20),
            }, ["IcpRenamed", "CriterionRemoved", "CriterionRemoved", "CriterionRemoved", "CriterionRemoved", "CriterionChanged",
                "CriterionAdded", "CriteriaReordered", "DisqualifierRemoved", "TiersChanged"] },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void An_edit_is_recorded_as_the_changes_it_amounts_to_and_replays_to_the_new_draft(
        string _, Func<IcpDefinition, IcpDefinition> edit, string[] expectedTypes)
    {
        var state = Given(Samples.Definition());
        var next = edit(Samples.Definition());

        var events = When(state, next);

        Assert.Equal(expectedTypes, events.Select(IcpEventTypes.NameOf));
        var replayed = events.Aggregate(state, IcpEvolution.Evolve);
        Assert.Equal(CanonicalJson.Of(DefinitionShape.Tidy(next)), CanonicalJson.Of(replayed.Draft));
        Assert.Equal(state.Revision + events.Count, replayed.Revision);
    }

    [Fact]
    public void Every_change_names_who_why_and_when()
    {
        var next = Samples.ChangedDefinition() with { Name = "Renamed" };

        var events = When(Given(Samples.Definition()), next);

        Assert.NotEmpty(events);
        Assert.All(events.Cast<IIcpChange>(), e =>
        {
            Assert.Equal(IcpId, e.IcpId);
            Assert.Equal("bob", e.By);
            Assert.Equal("tighten the ICP", e.Reason);
            Assert.Equal(Now, e.At);
        });
    }

    [Fact]
    public void Editing_the_draft_leaves_the_published_version_untouched()
    {
        var published = Given(Samples.Definition())
            .Apply(new IcpPublished(IcpId, 1, Samples.Definition(), "alice", "v1", Now.AddHours(-1)));

        var events = When(published, Samples.ChangedDefinition());
        var after = events.Aggregate(published, IcpEvolution.Evolve);

        Assert.Equal(CanonicalJson.Of(Samples.Definition()), CanonicalJson.Of(after.Published!.Definition));
        Assert.Equal(CanonicalJson.Of(Samples.ChangedDefinition()), CanonicalJson.Of(after.Draft));
    }

    [Fact]
    public void Event_type_names_are_stable()
    {
        // History shows these names to auditors: renaming an event type breaks them.
        Assert.Equal(
            ["CriteriaReordered", "CriterionAdded", "CriterionChanged", "CriterionRemoved", "DisqualifierAdded",
             "DisqualifierChanged", "DisqualifierRemoved", "DisqualifiersReordered", "IcpDescriptionChanged", "IcpDrafted",
             "IcpPublished", "IcpRenamed", "PersonaAdded", "PersonaRemoved", "TiersChanged"],
            IcpEventTypes.All.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    private static System.Text.Json.JsonElement Number(decimal value) => System.Text.Json.JsonSerializer.SerializeToElement(value);

    private static System.Text.Json.JsonElement Text(string value) => System.Text.Json.JsonSerializer.SerializeToElement(value);
}
