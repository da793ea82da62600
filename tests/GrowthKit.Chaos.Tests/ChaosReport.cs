using System.Globalization;
using System.Text;

namespace GrowthKit.Chaos.Tests;

/// <summary>The counts of one fault: what was sent and accepted, what the ledger holds, how long recovery took.</summary>
public sealed record FaultOutcome(
    string Fault,
    int Sent,
    int Accepted,
    LedgerCheck? Ledger,
    int ReplayedAfterServerError,
    long ErrorQueueMessages,
    TimeSpan? Recovery,
    TimeSpan Duration,
    IReadOnlyDictionary<string, int> Answers,
    IReadOnlyList<string> Notes);

/// <summary>
/// Collects every fault's counts and writes them, after each fault, to GROWTHKIT_CHAOS_REPORT (so a
/// later failure keeps the earlier figures) as a fixed-width table.
/// </summary>
public static class ChaosReport
{
    private static readonly List<FaultOutcome> Outcomes = [];
    private static readonly Lock Gate = new();

    public static string Add(FaultOutcome outcome, string path)
    {
        string text;
        lock (Gate)
        {
            Outcomes.Add(outcome);
            text = Render(Outcomes);
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, text);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Render([outcome]);
    }

    public static string Render(IReadOnlyList<FaultOutcome> outcomes)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"fault",-28}{"sent",8}{"accepted",10}{"scored",8}{"dupl.",7}{"unscored",10}{"stranger",10}{"5xx-stored",12}{"_error",8}{"recovery",10}{"total",8}");
        foreach (var o in outcomes)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{o.Fault,-28}{o.Sent,8}{o.Accepted,10}{Num(o.Ledger?.Scored),8}{Num(o.Ledger?.Duplicates),7}{Num(o.Ledger?.Unscored),10}"
                + $"{Num(o.Ledger?.Strangers),10}{o.ReplayedAfterServerError,12}{o.ErrorQueueMessages,8}"
                + $"{(o.Recovery is { } r ? $"{r.TotalSeconds:F1} s" : "never"),10}{$"{o.Duration.TotalSeconds:F0} s",8}");
        }
        foreach (var o in outcomes)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {o.Fault}: answers {string.Join(", ", o.Answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}×{a.Value}"))}");
            foreach (var note in o.Notes) text.AppendLine(CultureInfo.InvariantCulture, $"  {o.Fault}: {note}");
        }
        text.AppendLine("scored = accepted leads with a score for the newest ICP version; dupl. = (lead, version, snapshot) "
                        + "entries in the ledger more than once; _error = messages the fault added to _error queues; stranger = stored leads no 202 named; 5xx-stored = batches "
                        + "answered 500/503 whose retry was replayed as already stored; recovery = fault end to every "
                        + "accepted lead scored; total = stream start to the check.");
        return text.ToString();
    }

    private static string Num(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
