using System.Globalization;

namespace GrowthKit.Audit;

/// <summary>
/// <c>growthkit-audit</c>: checks and replays an audit export with no database and no network.
/// Exit codes: 0 the check passed, 1 it failed, 2 the command line or the file could not be used.
/// </summary>
public static class AuditTool
{
    public const int Pass = 0;
    public const int Fail = 1;
    public const int Usage = 2;

    public const string Help = """
        growthkit-audit verify EXPORT [--public-key BASE64]   hashes, chain links and signatures
        growthkit-audit icp EXPORT --icp ID --as-of INSTANT   the ICP as it stood at that instant
        growthkit-audit scores EXPORT                         recomputes every score, reports mismatches
        Exit codes: 0 pass, 1 fail, 2 usage.
        """;

    // Three commands with one or two options each: a plain parser keeps the tool free of dependencies.
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length < 2 || args[0] is not ("verify" or "icp" or "scores")) return UsageError(error, "A command and an export file are required.");
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 2; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                return UsageError(error, $"Unexpected argument '{args[i]}'.");
            }
            options[args[i][2..]] = args[i + 1];
        }

        ExportFile export;
        try
        {
            export = ExportFile.Read(args[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException)
        {
            error.WriteLine($"Cannot read {args[1]}: {e.Message}");
            return Usage;
        }

        switch (args[0])
        {
            case "verify":
                if (options.Keys.Any(k => k != "public-key")) return UsageError(error, "verify takes only --public-key.");
                return ExportVerification.Run(export, options.GetValueOrDefault("public-key"), output);
            case "icp":
                if (!options.TryGetValue("icp", out var id) || !Guid.TryParse(id, out var icpId))
                {
                    return UsageError(error, "icp needs --icp with the ICP's id.");
                }
                if (!options.TryGetValue("as-of", out var asOf)
                    || !DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
                {
                    return UsageError(error, "icp needs --as-of with an ISO 8601 instant, e.g. 2026-05-01T00:00:00Z.");
                }
                return IcpReplay.Run(export, icpId, instant, output);
            default:
                if (options.Count > 0) return UsageError(error, "scores takes no options.");
                return ScoreRecomputation.Run(export, output);
        }
    }

    private static int UsageError(TextWriter error, string message)
    {
        error.WriteLine(message);
        error.WriteLine(Help);
        return Usage;
    }
}
