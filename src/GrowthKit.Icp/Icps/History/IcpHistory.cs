using System.Security.Claims;
using System.Text.Json;
using GrowthKit.Icp.Icps.Reading;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Icps.History;

public sealed record VersionSummary(int Version, DateTimeOffset PublishedAt, string PublishedBy, string Reason);

public sealed record VersionDetail(Guid IcpId, int Version, DateTimeOffset PublishedAt, string PublishedBy, string Reason,
    IcpDefinition Definition);

public sealed record HistoryEntry(long Revision, string Type, int SchemaVersion, DateTimeOffset At, string By, string? Reason,
    JsonElement Data);

public sealed record VersionDiff(Guid IcpId, int From, int To, DefinitionDiff Changes);

/// <summary>
/// The auditor's view: every answer here is rebuilt from the ICP's event stream itself, never from
/// a read model, so it is the same after a restart and after projections are rebuilt.
/// </summary>
public static class IcpHistoryFeature
{
    public static RouteGroupBuilder MapIcpHistory(this RouteGroupBuilder group)
    {
        group.MapGet("/{icpId:guid}/versions", Versions)
            .WithName("ListIcpVersions")
            .WithSummary("Every published version with who published it, when and why")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{icpId:guid}/versions/{version:int}", Version)
            .WithName("GetIcpVersion")
            .WithSummary("A version's definition exactly as it was published; it never changes")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{icpId:guid}/diff", Diff)
            .WithName("DiffIcpVersions")
            .WithSummary("Criteria, disqualifiers and personas added, removed and changed between two versions")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{icpId:guid}/history", History)
            .WithName("GetIcpHistory")
            .WithSummary("Every change event in order: revision, type, time, who, why and the event's data")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IReadOnlyList<IEvent>> StreamAsync(ClaimsPrincipal user, IDocumentStore store, Guid icpId,
        CancellationToken ct)
    {
        await using var session = store.QuerySession(user.TenantId().ToString());
        var stream = await session.Events.FetchStreamAsync(icpId, token: ct);
        // A workshop's stream shares the id space: it is not an ICP, so it is "not found" here too.
        return stream.Count > 0 && IcpEventTypes.IsIcpEvent(stream[0].Data) ? stream : [];
    }

    private static IEnumerable<(IEvent Event, IcpPublished Published)> Publications(IEnumerable<IEvent> stream) =>
        stream.Where(e => e.Data is IcpPublished).Select(e => (e, (IcpPublished)e.Data));

    private static async Task<Results<Ok<IReadOnlyList<VersionSummary>>, ProblemHttpResult>> Versions(
        Guid icpId, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        var stream = await StreamAsync(user, store, icpId, ct);
        if (stream.Count == 0) return ApiDefaults.NotFoundProblem("ICP");
        return TypedResults.Ok<IReadOnlyList<VersionSummary>>(Publications(stream)
            .Select(p => new VersionSummary(p.Published.Version, p.Published.At, p.Published.By, p.Published.Reason))
            .ToList());
    }

    private static async Task<Results<Ok<VersionDetail>, ProblemHttpResult>> Version(
        Guid icpId, int version, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        var stream = await StreamAsync(user, store, icpId, ct);
        if (stream.Count == 0) return ApiDefaults.NotFoundProblem("ICP");
        return Publications(stream).Select(p => p.Published).FirstOrDefault(p => p.Version == version) is { } found
            ? TypedResults.Ok(new VersionDetail(icpId, found.Version, found.At, found.By, found.Reason, found.Definition))
            : ApiDefaults.NotFoundProblem($"Version {version}");
    }

    private static async Task<Results<Ok<VersionDiff>, ProblemHttpResult>> Diff(
        Guid icpId, int from, int to, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        var stream = await StreamAsync(user, store, icpId, ct);
        if (stream.Count == 0) return ApiDefaults.NotFoundProblem("ICP");

        var versions = Publications(stream).ToDictionary(p => p.Published.Version, p => p.Published.Definition);
        if (!versions.TryGetValue(from, out var before)) return ApiDefaults.NotFoundProblem($"Version {from}");
        if (!versions.TryGetValue(to, out var after)) return ApiDefaults.NotFoundProblem($"Version {to}");
        return TypedResults.Ok(new VersionDiff(icpId, from, to, DefinitionDiff.Between(before, after)));
    }

    private static async Task<Results<Ok<IReadOnlyList<HistoryEntry>>, ProblemHttpResult>> History(
        Guid icpId, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        var stream = await StreamAsync(user, store, icpId, ct);
        if (stream.Count == 0) return ApiDefaults.NotFoundProblem("ICP");
        return TypedResults.Ok<IReadOnlyList<HistoryEntry>>(stream.Select(Entry).ToList());
    }

    private static HistoryEntry Entry(IEvent e)
    {
        var change = (IIcpChange)e.Data;
        return new HistoryEntry(e.Version, IcpEventTypes.NameOf(e.Data), IcpEventTypes.SchemaVersionOf(e.Data), e.Timestamp,
            change.By, change.Reason, JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), ModelJson.Options));
    }

    /// <summary>The ICP as it stood at an instant: the draft and the published version then in force.</summary>
    public static async Task<IcpView?> AsOfAsync(IQuerySession session, Guid icpId, DateTimeOffset instant, CancellationToken ct)
    {
        // Only the tenant's ICPs: a workshop's stream would aggregate into an empty state.
        if (await session.LoadAsync<IcpState>(icpId, ct) is null) return null;
        var state = await session.Events.AggregateStreamAsync<IcpState>(icpId, timestamp: instant, token: ct);
        return state is null ? null : IcpView.From(state);
    }
}
