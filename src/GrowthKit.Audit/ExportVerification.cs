using System.Security.Cryptography;
using GrowthKit.Model.Audit;

namespace GrowthKit.Audit;

/// <summary>
/// Every event line must hash to its <c>hash</c> and follow the line before it; every checkpoint and
/// head must be signed by the platform's key and agree with the line at its position. The key is the
/// header's unless one is pinned (as fetched from <c>/.well-known/growthkit-audit-key</c>).
/// </summary>
public static class ExportVerification
{
    public static int Run(ExportFile export, string? pinnedKey, TextWriter output)
    {
        var failure = FirstFailure(export, pinnedKey);
        if (failure is not null)
        {
            output.WriteLine($"FAIL: {failure}");
            return AuditTool.Fail;
        }
        output.WriteLine($"OK: {export.Events.Count} events, {export.Checkpoints.Count} checkpoints and " +
                         $"{export.Heads.Count} heads verified (key {export.Header.KeyId}).");
        return AuditTool.Pass;
    }

    public static string? FirstFailure(ExportFile export, string? pinnedKey)
    {
        if (pinnedKey is not null && pinnedKey != export.Header.PublicKey)
        {
            return "The export's public key is not the pinned one.";
        }
        ECDsa key;
        try
        {
            key = AuditKey.FromPublicKey(export.Header.PublicKey);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return "The export's public key cannot be read.";
        }
        using var _ = key;

        var partial = export.Header.From is not null || export.Header.To is not null;
        foreach (var service in export.Header.Services)
        {
            var hashes = new Dictionary<long, string>();
            ExportEvent? previous = null;
            foreach (var e in export.Events.Where(e => e.Service == service))
            {
                var at = $"{service} position {e.Position} (stream {e.Stream}, sequence {e.Version}, {e.Type})";
                if (previous is null && !partial && (e.Position != 1 || e.Prev != ChainLink.Genesis))
                {
                    return $"{at}: the chain does not start at its beginning.";
                }
                if (previous is not null && e.Position != previous.Position + 1) return $"{at}: a line is missing before it.";
                if (previous is not null && e.Prev != previous.Hash) return $"{at}: it does not follow the line before it.";
                if (e.Link().Hash() != e.Hash) return $"{at}: the event does not match its hash.";
                hashes[e.Position] = e.Hash;
                previous = e;
            }

            foreach (var checkpoint in export.Checkpoints.Where(c => c.Service == service))
            {
                if (checkpoint.TenantId != export.Header.TenantId || !checkpoint.Checkpoint().IsSignedBy(key, checkpoint.Signature))
                {
                    return $"{service} checkpoint at position {checkpoint.Position}: not signed by the platform's key.";
                }
                if (hashes.TryGetValue(checkpoint.Position, out var hash) && hash != checkpoint.Hash)
                {
                    return $"{service} checkpoint at position {checkpoint.Position}: the chain differs from what was signed.";
                }
            }

            var head = export.Heads.SingleOrDefault(h => h.Service == service);
            if (head is null) return $"{service}: the export has no signed head.";
            if (head.TenantId != export.Header.TenantId || !head.Checkpoint().IsSignedBy(key, head.Signature))
            {
                return $"{service} head: not signed by the platform's key.";
            }
            if (export.Header.To is null
                && (head.Position != (previous?.Position ?? 0) || head.Hash != (previous?.Hash ?? ChainLink.Genesis)))
            {
                return $"{service} head: it says position {head.Position}, the lines end at {previous?.Position ?? 0}.";
            }
        }
        return null;
    }
}
