using GrowthKit.Model;

namespace GrowthKit.Icp.Icps;

public sealed record PublishedVersion(int Version, IcpDefinition Definition, DateTimeOffset PublishedAt);

/// <summary>
/// The ICP as its stream tells it. <see cref="Revision"/> counts every change event (it equals the
/// stream version and is the ETag); <see cref="PublishedVersion.Version"/> counts publications.
/// </summary>
public sealed record IcpState(Guid Id, long Revision, IcpDefinition Draft, PublishedVersion? Published, DateTimeOffset CreatedAt)
{
    public static IcpState Create(IcpDrafted drafted) =>
        new(drafted.IcpId, 1, drafted.Definition, null, drafted.DraftedAt);

    public IcpState Apply(IcpPublished published) => this with
    {
        Revision = Revision + 1,
        Published = new PublishedVersion(published.Version, published.Definition, published.PublishedAt),
    };
}
