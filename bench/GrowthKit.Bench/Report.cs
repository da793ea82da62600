using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using GrowthKit.Bench.Telemetry;

namespace GrowthKit.Bench;

/// <summary>The tables on the console and the JSON file.</summary>
public static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void PrintSummary(BenchResults r)
    {
        var copy = r.Copy?.RowsPerSecond;
        var mt = r.MassTransit?.MessagesPerSecond;
        var raw = r.RawBroker?.MessagesPerSecond;
        var rows = new List<string[]>
        {
            Row("leads accepted / s (HTTP 202)", r.AcceptedPerSecond, "COPY rows/s", copy, null),
            Row($"leads scored / s, end to end{(r.EndToEndSource == "polling" ? " (≥, polled)" : "")}", r.ScoredPerSecond, "RabbitMQ.Client msg/s", raw, BenchResults.AimEndToEndToRawBroker),
            Row("leads scored / s against plain MassTransit", r.ScoredPerSecond, "MassTransit msg/s", mt, null),
            Row("re-scoring / s (startedAt → finishedAt)", r.Rescoring?.ServerLeadsPerSecond, "COPY rows/s", copy, BenchResults.AimRescoringToCopy),
            Row("re-scoring / s (publish → finishedAt)", r.Rescoring?.WallLeadsPerSecond, "COPY rows/s", copy, BenchResults.AimRescoringToCopy),
            Row("public port req/s (GET /api/icps/{id})", r.PortHop?.PublicPortPerSecond, "service direct req/s", r.PortHop?.ServiceDirectPerSecond, BenchResults.AimPublicPortToDirect),
            Row("gateway's own port req/s", r.PortHop?.GatewayPortPerSecond, "service direct req/s", r.PortHop?.ServiceDirectPerSecond, null),
            Row("baseline: RabbitMQ.Client persistent+confirmed msg/s", raw, "", null, null),
            Row("baseline: MassTransit publish+consume msg/s", mt, "", null, null),
            Row("baseline: Npgsql binary COPY rows/s", copy, "", null, null),
        };
        Console.WriteLine();
        Console.WriteLine($"GrowthKit benchmark — {r.Accepted:N0} leads accepted ({r.Rejected:N0} rejected), batches of {r.Options.BatchSize}, {r.Options.Senders} senders, durable storage: {r.Options.Durable}");
        PrintTable(["figure", "value", "baseline (same run)", "ratio", "aim", ""], rows);

        var latencyRows = new List<string[]>();
        void Latency(string figure, SingleLeadFigures? f)
        {
            if (f?.AcceptToScoreMs is not { } p) return;
            latencyRows.Add(LatencyRow($"{figure}, p50", p.P50Ms, BenchResults.AimLatencyP50Ms, f.OfferedPerSecond));
            latencyRows.Add(LatencyRow($"{figure}, p99", p.P99Ms, BenchResults.AimLatencyP99Ms, f.OfferedPerSecond));
        }
        Latency("accept → score, single leads, idle", r.SingleLeadsIdle);
        Latency("accept → score, half the max rate", r.PacedAtHalfRate);
        if (r.MemoryAfterStart is { } m0)
            latencyRows.Add(["memory after start-up (MB, PSS)", m0.TotalMb.ToString("N0", Invariant), "", "≤ " + BenchResults.AimMemoryAfterStartMb.ToString("N0", Invariant),
                m0.TotalMb <= BenchResults.AimMemoryAfterStartMb ? "reached" : $"{m0.TotalMb / BenchResults.AimMemoryAfterStartMb:0.0}× the aim"]);
        if (r.MemoryPeak is { } m1)
            latencyRows.Add(["memory under the benchmark, most (MB, PSS)", m1.TotalMb.ToString("N0", Invariant), "", "≤ " + BenchResults.AimMemoryPeakMb.ToString("N0", Invariant),
                m1.TotalMb <= BenchResults.AimMemoryPeakMb ? "reached" : $"{m1.TotalMb / BenchResults.AimMemoryPeakMb:0.0}× the aim"]);
        if (r.SystemStartSeconds > 0)
            latencyRows.Add(["system start (s, AppHost start → gateway healthy)", r.SystemStartSeconds.ToString("0.0", Invariant), "", "≤ 20", r.SystemStartSeconds <= 20 ? "reached" : $"{r.SystemStartSeconds / 20:0.0}× the aim"]);
        if (latencyRows.Count > 0)
        {
            Console.WriteLine();
            PrintTable(["figure", "value", "leads/s offered", "aim", ""], latencyRows);
            if (r.MemoryAfterStart is { } started)
                Console.WriteLine("  memory after start-up by kind: " + string.Join(", ", started.ByKindMb.Select(k => $"{k.Key} {k.Value:N0} MB")));
            if (r.SingleLeadsIdle is { ReadChecks: > 0 } s)
                Console.WriteLine($"  readable (GET /api/leads/{{id}} → 200) right after the 202: {s.ReadableAtOnce} of {s.ReadChecks}");
        }

        Console.WriteLine();
        PrintLatency("accept → score (sample via GET /api/leads/{id})", r.AcceptToScoreSampleMs);
        PrintLatency("accept → score (every lead, from the list)", r.AcceptToScoreAllMs);
        PrintLatency("batch request (POST /api/leads/batch)", r.BatchRequestMs);
        if (r.ScoringTailSeconds is { } tail)
            Console.WriteLine($"  last score came {tail:0.00} s after the last 202 (accepting took {r.AcceptSeconds:0.00} s)");
        if (r.Rescoring is { } re)
            Console.WriteLine($"  re-scoring: {re.Scored:N0} of {re.Total:N0}; publish → startedAt {Seconds(re.PublishedAt, re.StartedAt)}, startedAt → finishedAt {Seconds(re.StartedAt, re.FinishedAt)}"
                              + (r.RescoringCheck is { } c ? $"; sample check: {c.Scored}/{c.Checked} leads carry a v2 score" : ""));
        if (r.CompletionWatch is { } w)
            Console.WriteLine($"  watching for completion cost {w.ProbeRequests} probe reads in {w.ProbeRounds} rounds, then {w.Sweeps} sweep(s) of the list ({w.Pages} pages)");
        if (r.MassTransit is { } m)
            Console.WriteLine($"  MassTransit baseline: {m.Messages:N0} messages, published in {m.PublishSeconds:0.00} s, all consumed after {m.TotalSeconds:0.00} s");
        if (r.RawBroker is { } b)
            Console.WriteLine($"  RabbitMQ.Client baseline: {b.Messages:N0} messages, published and confirmed in {b.PublishSeconds:0.00} s, all consumed after {b.TotalSeconds:0.00} s");
        if (r.RawBrokerError is not null) Console.WriteLine($"  RabbitMQ.Client baseline failed: {r.RawBrokerError}");
        if (r.MassTransitError is not null) Console.WriteLine($"  MassTransit baseline failed: {r.MassTransitError}");
        if (r.CopyError is not null) Console.WriteLine($"  COPY baseline failed: {r.CopyError}");
        if (r.HttpRetries > 0) Console.WriteLine($"  {r.HttpRetries} HTTP retries (429/502/503/504)");
        var ours = r.CpuIngestAndScoring?.Sum(c => c.CpuSeconds);
        if (r.MachineBusyIngestAndScoring is { } busy && ours is { } used && r.IngestAndScoringWallSeconds is > 0 and var wall)
        {
            var other = Math.Max(0, busy - used) / (wall * Environment.ProcessorCount);
            if (other > 0.10)
                Console.WriteLine($"  WARNING: other work held {other:P0} of the cores during ingest + scoring (load average {r.LoadAverageAtStart:0.0} at the start): "
                                  + "every figure here, baselines included, is lower than on an idle machine.");
        }
    }

    public static void PrintWhereTimeGoes(BenchResults r)
    {
        PrintCpu("CPU by process, ingest + scoring", r.CpuIngestAndScoring, r.IngestAndScoringWallSeconds, r.MachineBusyIngestAndScoring);
        PrintCpu("CPU by process, re-scoring", r.CpuRescoring, r.RescoringWallSeconds, r.MachineBusyRescoring);
        PrintSpans("Spans, ingest + scoring (top 10 by self time)", r.SpansIngestAndScoring);
        PrintSpans("Spans, re-scoring (top 10 by self time)", r.SpansRescoring);
    }

    public static string Write(BenchResults r, string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"bench-{r.RunAt:yyyyMMdd-HHmmss}-{r.Options.Leads}.json");
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.Converters.Add(new TimeSpanSecondsConverter());
        File.WriteAllText(path, JsonSerializer.Serialize(r, options));
        return path;
    }

    private static void PrintCpu(string title, IReadOnlyList<ProcessCost>? costs, double? wall, double? machineBusy)
    {
        if (costs is null || costs.Count == 0 || wall is not > 0) return;
        Console.WriteLine();
        var total = costs.Sum(c => c.CpuSeconds);
        var capacity = wall.Value * Environment.ProcessorCount;
        Console.WriteLine($"{title}: this run's processes used {total:0.0} CPU-s of {capacity:0.0} available in {wall:0.0} s ({total / capacity:P0})"
                          + (machineBusy is { } busy ? $"; the machine as a whole was {busy / capacity:P0} busy (other work: {Math.Max(0, busy - total) / capacity:P0})" : ""));
        PrintTable(["process", "CPU s", "share"],
            [.. costs.Take(10).Select(c => new[] { c.Process, c.CpuSeconds.ToString("0.0", Invariant), (c.CpuSeconds / total).ToString("P0", Invariant) })]);
    }

    private static void PrintSpans(string title, IReadOnlyList<SpanCost>? costs)
    {
        if (costs is null || costs.Count == 0) return;
        Console.WriteLine();
        Console.WriteLine(title + " — total includes children; self does not:");
        PrintTable(["service", "operation", "count", "self s", "total s", "mean ms"],
            [.. costs.Take(10).Select(c => new[]
            {
                c.Service, c.Operation.Length > 90 ? c.Operation[..90] + "…" : c.Operation, c.Count.ToString("N0", Invariant),
                (c.SelfMs / 1000).ToString("0.00", Invariant), (c.TotalMs / 1000).ToString("0.00", Invariant), c.MeanMs.ToString("0.0", Invariant),
            })]);
    }

    private static void PrintLatency(string title, Percentiles? p)
    {
        if (p is null) return;
        Console.WriteLine($"  {title}: n={p.Count:N0}  p50 {p.P50Ms:N0} ms  p90 {p.P90Ms:N0} ms  p99 {p.P99Ms:N0} ms  max {p.MaxMs:N0} ms");
    }

    /// <param name="ratioAim">The aim as a ratio to the same-run baseline (issue 13), if there is one.</param>
    private static string[] Row(string figure, double? value, string baselineName, double? baseline, double? ratioAim)
    {
        double? ratio = value is { } x && baseline is { } y && y > 0 ? x / y : null;
        return
        [
            figure,
            value is { } v ? v.ToString("N0", Invariant) : "—",
            baseline is { } b ? $"{b.ToString("N0", Invariant)} {baselineName}" : "",
            ratio is { } r ? r.ToString("0.00", Invariant) : "",
            ratioAim is { } a ? $"≥ {a.ToString("0.00", Invariant)}×" : "",
            ratioAim is { } goal && ratio is { } reached ? (reached >= goal ? "reached" : $"{reached / goal:P0} of aim") : "",
        ];
    }

    private static string[] LatencyRow(string figure, double ms, double aim, double offered) =>
    [
        figure, ms.ToString("N0", Invariant), offered.ToString("N0", Invariant), "≤ " + aim.ToString("N0", Invariant),
        ms <= aim ? "reached" : $"{ms / aim:0.0}× the aim",
    ];

    private static string Seconds(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } f && to is { } t ? $"{(t - f).TotalSeconds:0.00} s" : "?";

    private static void PrintTable(string[] header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) =>
            i > 0 && c.Length > 0 && (char.IsDigit(c[0]) || c[0] == '—') ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        Console.WriteLine(Line(header));
        Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows) Console.WriteLine(Line(row));
    }

    private sealed class TimeSpanSecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TimeSpan.FromSeconds(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value.TotalSeconds);
    }
}
