using GrowthKit.Icp.Icps;
using GrowthKit.Icp.Icps.Drafting;
using GrowthKit.Icp.Icps.Publishing;
using GrowthKit.Model;

namespace GrowthKit.Services.Tests.Deciders;

/// <summary>Given events, when a command, then events: the ICP service's pure decisions.</summary>
public sealed class IcpDeciderTests
{
    private static readonly Guid IcpId = Guid.CreateVersion7();
    private static readonly DateTimeOffset DraftedAt = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 1, 6, 10, 30, 0, TimeSpan.Zero);

    private static IcpDrafted Drafted(IcpDefinition? definition = null) =>
        new(IcpId, definition ?? Samples.Definition(), "alice", null, DraftedAt);

    private static IcpPublished Published(int version, IcpDefinition? definition = null) =>
        new(IcpId, version, definition ?? Samples.Definition(), "alice", $"release {version}", DraftedAt.AddHours(version));

    /// <summary>The state Marten's snapshot builds from the stream.</summary>
    private static IcpState Given(IcpDrafted drafted, params IcpPublished[] published) =>
        published.Aggregate(IcpState.Create(drafted), (state, e) => state.Apply(e));

    [Fact]
    public void Drafting_records_the_definition_with_author_and_time()
    {
        var definition = Samples.Definition();

        var drafted = DraftIcpFeature.Decide(new DraftIcp(IcpId, definition, "alice", "first draft"), Now);

        Assert.Equal(new IcpDrafted(IcpId, definition, "alice", "first draft", Now), drafted);
    }

    [Fact]
    public void Publishing_a_fresh_draft_makes_version_1_of_that_draft()
    {
        var state = Given(Drafted());

        var published = PublishIcpFeature.Decide(new PublishIcp(IcpId, "first release", "bob"), state, Now);

        Assert.NotNull(published);
        Assert.Equal(IcpId, published.IcpId);
        Assert.Equal(1, published.Version);
        Assert.Same(state.Draft, published.Definition);
        Assert.Equal("bob", published.By);
        Assert.Equal("first release", published.Reason);
        Assert.Equal(Now, published.At);
    }

    [Fact]
    public void Publishing_an_unchanged_draft_again_publishes_nothing()
    {
        var state = Given(Drafted(), Published(1));

        var published = PublishIcpFeature.Decide(new PublishIcp(IcpId, "again", "bob"), state, Now);

        Assert.Null(published);
    }

    [Fact]
    public void Publishing_an_equal_but_separately_built_draft_publishes_nothing()
    {
        // Records holding lists compare by reference: equality must be by content, not identity.
        var state = Given(Drafted(Samples.Definition()), Published(1, Samples.Definition()));

        Assert.Null(PublishIcpFeature.Decide(new PublishIcp(IcpId, "again", "bob"), state, Now));
    }

    [Fact]
    public void Publishing_a_changed_draft_makes_the_next_version()
    {
        var state = Given(Drafted(), Published(1)) with { Draft = Samples.ChangedDefinition() };

        var published = PublishIcpFeature.Decide(new PublishIcp(IcpId, "weights tuned", "bob"), state, Now);

        Assert.NotNull(published);
        Assert.Equal(2, published.Version);
        Assert.Same(state.Draft, published.Definition);
    }

    [Fact]
    public void Revision_is_1_after_drafting_and_grows_by_one_with_each_event()
    {
        var drafted = Given(Drafted());
        var once = Given(Drafted(), Published(1));
        var twice = Given(Drafted(), Published(1), Published(2, Samples.ChangedDefinition()));

        Assert.Equal(1, drafted.Revision);
        Assert.Null(drafted.Published);
        Assert.Equal(2, once.Revision);
        Assert.Equal(1, once.Published!.Version);
        Assert.Equal(3, twice.Revision);
        Assert.Equal(2, twice.Published!.Version);
    }
}
