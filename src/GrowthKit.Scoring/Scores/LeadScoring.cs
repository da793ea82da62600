using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.Scoring.Ledger;

namespace GrowthKit.Scoring.Scores;

/// <summary>A lead snapshot to score: its normalised JSON as received and its canonical (RFC 8785) form.</summary>
public sealed record LeadToScore(Guid LeadId, int Snapshot, string Lead, string LeadCanonical);

/// <summary>Scores lead snapshots against ICP versions, with the pure <see cref="IcpScorer"/>.</summary>
public static class LeadScoring
{
    private const int ParallelFrom = 64;

    /// <summary>
    /// The reference computation, one lead at a time, with <see cref="InputHash.Compute"/> itself:
    /// what re-computing a recorded score uses, so the batch path is checked against it.
    /// </summary>
    public static ScoreEntry Compute(Guid leadId, int snapshot, JsonElement lead, Guid icpId, int icpVersion,
        IcpDefinition definition, DateTimeOffset now)
    {
        var result = IcpScorer.Score(lead, definition);
        return new ScoreEntry(leadId, icpId, icpVersion, snapshot, result.Score, result.Tier, result.Breakdown,
            result.DisqualifiedBy, ScoringModel.ModelVersion,
            InputHash.Compute(lead, definition, ScoringModel.ModelVersion), now);
    }

    /// <summary>
    /// Every lead against every version, lead by lead in input order: the scores of leads[0] first,
    /// in version order. Spread over the cores; each version's definition was prepared once. A lead
    /// that cannot be scored against a version (an overflow in a legacy definition, a lead the scorer
    /// cannot read) gets no score for it and is named in <see cref="ScoredBatch.Failures"/> instead:
    /// one poison lead never costs its batch the others' scores.
    /// </summary>
    public static ScoredBatch ScoreAll(IReadOnlyList<LeadToScore> leads, IReadOnlyList<ScoringVersion> versions,
        DateTimeOffset now)
    {
        var scores = new ScoreEntry?[leads.Count * versions.Count];
        var failures = new ScoringFailure?[leads.Count * versions.Count];
        if (scores.Length == 0) return ScoredBatch.Empty;

        void ScoreRange(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                var lead = leads[i];
                JsonDocument document;
                try
                {
                    document = JsonDocument.Parse(lead.Lead);
                }
                catch (JsonException e)
                {
                    for (var v = 0; v < versions.Count; v++)
                        failures[i * versions.Count + v] = new ScoringFailure(lead, versions[v].IcpId, versions[v].Version, e);
                    continue;
                }
                using (document)
                {
                    var canonical = Encoding.UTF8.GetBytes(lead.LeadCanonical);
                    for (var v = 0; v < versions.Count; v++)
                    {
                        try
                        {
                            scores[i * versions.Count + v] = versions[v].Score(lead.LeadId, lead.Snapshot, document.RootElement, canonical, now);
                        }
                        catch (Exception e) when (e is ArithmeticException or InvalidOperationException or FormatException
                                                      or JsonException or ArgumentException)
                        {
                            failures[i * versions.Count + v] = new ScoringFailure(lead, versions[v].IcpId, versions[v].Version, e);
                        }
                    }
                }
            }
        }

        if (leads.Count < ParallelFrom)
        {
            ScoreRange(0, leads.Count);
        }
        else
        {
            var chunk = (leads.Count + Environment.ProcessorCount * 4 - 1) / (Environment.ProcessorCount * 4);
            Parallel.For(0, (leads.Count + chunk - 1) / chunk, c => ScoreRange(c * chunk, Math.Min(leads.Count, (c + 1) * chunk)));
        }
        return new ScoredBatch([.. scores.OfType<ScoreEntry>()], [.. failures.OfType<ScoringFailure>()]);
    }
}

/// <summary>A lead that could not be scored against one version, and why.</summary>
public sealed record ScoringFailure(LeadToScore Lead, Guid IcpId, int Version, Exception Error);

/// <summary>The scores of a batch, and the leads (per version) it could not score.</summary>
public sealed record ScoredBatch(ScoreEntry[] Scores, IReadOnlyList<ScoringFailure> Failures)
{
    public static ScoredBatch Empty { get; } = new([], []);
}

/// <summary>
/// A published ICP version made ready to score many leads: its definition parsed once, and the
/// canonical JSON around the lead in the hashed input <c>{definition, lead, modelVersion}</c>
/// (RFC 8785 orders the members so) encoded once, so a lead's hash costs one SHA-256 of its bytes.
/// </summary>
public sealed class ScoringVersion
{
    private readonly byte[] _hashPrefix;
    private readonly byte[] _hashSuffix;

    private ScoringVersion(Guid icpId, int version, IcpDefinition definition)
    {
        IcpId = icpId;
        Version = version;
        Definition = definition;
        _hashPrefix = Encoding.UTF8.GetBytes("{\"definition\":" + CanonicalJson.Of(definition) + ",\"lead\":");
        _hashSuffix = Encoding.UTF8.GetBytes(",\"modelVersion\":" + CanonicalJson.Of(ScoringModel.ModelVersion) + "}");
    }

    public Guid IcpId { get; }
    public int Version { get; }
    public IcpDefinition Definition { get; }

    public static ScoringVersion Parse(Guid icpId, int version, string definitionJson) =>
        new(icpId, version, JsonSerializer.Deserialize<IcpDefinition>(definitionJson, ModelJson.Options)
                            ?? throw new InvalidOperationException($"ICP {icpId} v{version} has no definition."));

    public ScoreEntry Score(Guid leadId, int snapshot, JsonElement lead, ReadOnlySpan<byte> leadCanonicalUtf8, DateTimeOffset now)
    {
        var result = IcpScorer.Score(lead, Definition);
        return new ScoreEntry(leadId, IcpId, Version, snapshot, result.Score, result.Tier, result.Breakdown,
            result.DisqualifiedBy, ScoringModel.ModelVersion, InputHashOf(leadCanonicalUtf8), now);
    }

    /// <summary>Equal to <see cref="InputHash.Compute"/> for the lead whose canonical JSON this is.</summary>
    public string InputHashOf(ReadOnlySpan<byte> leadCanonicalUtf8)
    {
        var length = _hashPrefix.Length + leadCanonicalUtf8.Length + _hashSuffix.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            _hashPrefix.CopyTo(buffer, 0);
            leadCanonicalUtf8.CopyTo(buffer.AsSpan(_hashPrefix.Length));
            _hashSuffix.CopyTo(buffer, _hashPrefix.Length + leadCanonicalUtf8.Length);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, length), hash);
            return InputHash.Prefix + Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
