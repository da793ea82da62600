using System.Buffers.Binary;

namespace GrowthKit.Scoring.Rescoring;

/// <summary>
/// Splits a re-scoring into lead id ranges (after, until] of equal width: lead ids are name-based
/// UUIDs, spread evenly, so the parts are of about equal size. Part 0 starts after the empty UUID
/// and the last ends at the largest, neither of which is ever a lead id.
/// </summary>
public static class RescoringParts
{
    public static IReadOnlyList<(Guid After, Guid Until)> Ranges(int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        var bounds = Enumerable.Range(0, parts + 1).Select(k => k switch
        {
            0 => Guid.Empty,
            _ when k == parts => Guid.AllBitsSet,
            _ => BoundAt((uint)((ulong)k * (1UL << 32) / (ulong)parts)),
        }).ToList();
        return [.. Enumerable.Range(0, parts).Select(k => (bounds[k], bounds[k + 1]))];
    }

    // The UUID whose first four bytes (in Postgres's order) are prefix and the rest zero.
    private static Guid BoundAt(uint prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, prefix);
        return new Guid(bytes, bigEndian: true);
    }
}
