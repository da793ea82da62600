using System.Text.RegularExpressions;
using GrowthKit.Testing;

namespace GrowthKit.Bench.Telemetry;

/// <summary>Span time of one (service, operation): how often, in total, and on its own (children in the same service subtracted).</summary>
public sealed record SpanCost(string Service, string Operation, int Count, double TotalMs, double SelfMs)
{
    public double MeanMs => Count == 0 ? 0 : TotalMs / Count;
}

/// <summary>
/// Where the time goes, from the spans the services exported during a phase. "Self" time is a span's
/// duration less the union of its children's (clipped to it), so nested spans are not counted
/// twice and the operation that actually spends the time rises to the top.
/// </summary>
public static partial class SpanReport
{
    public static IReadOnlyList<SpanCost> Costs(IEnumerable<ReceivedSpan> spans, DateTimeOffset from, DateTimeOffset to)
    {
        var fromNanos = (ulong)from.ToUnixTimeMilliseconds() * 1_000_000UL;
        var toNanos = (ulong)to.ToUnixTimeMilliseconds() * 1_000_000UL;
        var window = spans.Where(s => s.StartNanos >= fromNanos && s.StartNanos <= toNanos && s.EndNanos >= s.StartNanos
                                      && !IsIdleWait(s)).ToList();

        // Children in any service: a call's time in the next service is not the caller's own. Clipping
        // to the parent's interval leaves out what a message's consumer does after the publish ended.
        var children = window
            .Where(s => s.ParentSpanId.Length > 0)
            .ToLookup(s => (s.TraceId, s.ParentSpanId));

        return [.. window
            .Select(s => (Span: s, Self: SelfMs(s, children[(s.TraceId, s.SpanId)])))
            .GroupBy(x => (x.Span.Service, Operation: Operation(x.Span)))
            .Select(g => new SpanCost(g.Key.Service, g.Key.Operation, g.Count(),
                g.Sum(x => x.Span.Milliseconds), g.Sum(x => x.Self)))
            .OrderByDescending(c => c.SelfMs)];
    }

    private static double SelfMs(ReceivedSpan span, IEnumerable<ReceivedSpan> children)
    {
        // Union of the children's intervals, clipped to the parent's.
        var covered = 0UL;
        ulong reach = span.StartNanos;
        foreach (var child in children.OrderBy(c => c.StartNanos))
        {
            var start = Math.Max(child.StartNanos, reach);
            var end = Math.Min(child.EndNanos, span.EndNanos);
            if (end > start)
            {
                covered += end - start;
                reach = end;
            }
        }
        var total = span.EndNanos - span.StartNanos;
        return (total > covered ? total - covered : 0) / 1e6;
    }

    /// <summary>
    /// Marten's async daemon waits up to a second for the event sequence to move ("high water mark")
    /// in a span of its own: idle polling, not work, and it would top every list.
    /// </summary>
    private static bool IsIdleWait(ReceivedSpan span) => span.Name == "marten.daemon.highwatermark";

    /// <summary>Database spans are told apart by the start of their SQL; the rest by name.</summary>
    private static string Operation(ReceivedSpan span)
    {
        if (span.DbStatement is not { Length: > 0 } sql) return span.Name;
        var flat = Whitespace().Replace(sql, " ").Trim();
        // Marten's generated names carry tenant-independent but long prefixes; 70 characters tell them apart.
        return $"{span.Name}: {(flat.Length > 70 ? flat[..70] + "…" : flat)}";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
