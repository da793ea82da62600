using System.Diagnostics;
using GrowthKit.Bench.Baselines;
using GrowthKit.Bench.Telemetry;

namespace GrowthKit.Bench;

/// <summary>The run, step by step; each step fills in <see cref="BenchResults"/> as it goes.</summary>
public sealed class Benchmark(BenchOptions options, BenchResults results)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var step = "generate leads";
        var leads = new SyntheticLeads(options.Leads, options.Seed);
        var batches = leads.Batches(options.BatchSize);
        results.AverageLeadBytes = leads.AverageBytes;
        Console.WriteLine($"Generated {options.Leads:N0} leads, {leads.AverageBytes:0} bytes each on average, "
                          + $"{batches.Count} batches of at most {batches.Max(b => b.Length) / 1024.0:0} KB.");

        Console.WriteLine("Starting the system (AppHost through Aspire.Hosting.Testing)…");
        GrowthKitSystem system;
        try
        {
            system = await GrowthKitSystem.StartAsync(options);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            results.FailedStep = e is BenchFailure f ? f.Step : "start the system";
            results.Failure = e.Message;
            throw e as BenchFailure ?? new BenchFailure(results.FailedStep, $"{e.GetType().Name}: {e.Message}");
        }
        await using var running = system;
        results.SystemStartSeconds = system.StartedIn.TotalSeconds;
        Console.WriteLine($"  up in {system.StartedIn.TotalSeconds:0.0} s (data: {system.DataDir})");
        var cpu = new ProcessCpu(system.DataDir);
        // Issue 13's memory aims: after start-up, and the most it holds under the benchmark (sampled every second).
        results.MemoryAfterStart = cpu.Memory();
        Console.WriteLine($"  memory after start-up: {results.MemoryAfterStart.TotalMb:N0} MB (PSS, every process of the system)");
        using var sampling = new CancellationTokenSource();
        var peak = Task.Run(async () =>
        {
            MemoryFigures? most = null;
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(sampling.Token))
                {
                    var now = cpu.Memory();
                    if (most is null || now.TotalMb > most.TotalMb) most = now;
                }
            }
            catch (OperationCanceledException)
            {
            }
            return most;
        }, CancellationToken.None);

        try
        {
            // Baselines first, on an idle system: the same broker and database the services use.
            step = "baseline: RabbitMQ.Client";
            Console.WriteLine($"Baseline: raw RabbitMQ.Client publish (persistent, confirmed) + consume of {options.Leads:N0} messages…");
            try
            {
                results.RawBroker = await RabbitMqClientBaseline.RunAsync(system.MessagingConnectionString, leads.Leads, options.PhaseTimeout, ct);
                Console.WriteLine($"  {results.RawBroker.MessagesPerSecond:N0} msg/s");
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                results.RawBrokerError = $"{e.GetType().Name}: {e.Message}";
                Console.WriteLine("  failed: " + results.RawBrokerError);
            }

            step = "baseline: MassTransit";
            Console.WriteLine($"Baseline: MassTransit publish+consume of {options.Leads:N0} messages…");
            try
            {
                results.MassTransit = await MassTransitBaseline.RunAsync(system.MessagingConnectionString, leads.Leads, options.PhaseTimeout, ct);
                Console.WriteLine($"  {results.MassTransit.MessagesPerSecond:N0} msg/s");
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                results.MassTransitError = $"{e.GetType().Name}: {e.Message}";
                Console.WriteLine("  failed: " + results.MassTransitError);
            }

            step = "baseline: Npgsql COPY";
            Console.WriteLine($"Baseline: Npgsql binary COPY of {options.Leads:N0} rows…");
            try
            {
                results.Copy = await NpgsqlCopyBaseline.RunAsync(system.DatabaseConnectionString, leads.Leads, ct);
                Console.WriteLine($"  {results.Copy.RowsPerSecond:N0} rows/s");
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                results.CopyError = $"{e.GetType().Name}: {e.Message}";
                Console.WriteLine("  failed: " + results.CopyError);
            }

            if (options.Warmup > 0)
            {
                // JIT, connection pools, queues and tables warm, in a tenant of its own.
                step = "warm-up";
                Console.WriteLine($"Warm-up: {options.Warmup:N0} leads in a tenant of their own…");
                var warmApi = await system.CreateTenantAsync("bench-warmup-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss"));
                var warmIcp = await IcpSetup.PublishFirstVersionAsync(warmApi, ct);
                var warm = await Ingest.RunAsync(warmApi, new SyntheticLeads(options.Warmup, options.Seed + 1, "warmup").Batches(options.BatchSize),
                    options.BatchSize, options.Warmup, options.Senders, ct);
                await ScoringWatch.WaitAsync(warmApi, warmIcp, 1, warm, options.BatchSize, options.Senders, options.PhaseTimeout, ct, quiet: true);
                Console.WriteLine($"  {warm.Accepted:N0} leads accepted and scored.");
            }

            step = "create tenant";
            var (api, tenant) = await system.CreateTenantWithKeyAsync("bench-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss"));
            step = "define and publish ICP v1";
            var icpId = await IcpSetup.PublishFirstVersionAsync(api, ct);
            Console.WriteLine($"Tenant created; ICP {icpId} v1 published.");

            if (options.HopSeconds > 0)
            {
                step = "port hop";
                Console.WriteLine($"The public port against the gateway's own port and the ICP service called directly ({options.HopSeconds} s each)…");
                results.PortHop = await PortHop.RunAsync(system, api, tenant, icpId, 16, TimeSpan.FromSeconds(options.HopSeconds), ct);
                Console.WriteLine($"  {results.PortHop.PublicPortPerSecond:N0} req/s public port, {results.PortHop.GatewayPortPerSecond:N0} gateway's port, "
                                  + $"{results.PortHop.ServiceDirectPerSecond:N0} service direct");
            }

            if (options.SingleLeads > 0)
            {
                step = "single leads on an idle system";
                Console.WriteLine($"Single leads on an idle system: {options.SingleLeads} POST /api/leads, one at a time…");
                results.SingleLeadsIdle = await SingleLeads.IdleAsync(api, icpId, 1, options.SingleLeads, options.Seed + 2,
                    TimeSpan.FromMilliseconds(100), options.PhaseTimeout, ct);
                Console.WriteLine($"  accept → score p50 {results.SingleLeadsIdle.AcceptToScoreMs?.P50Ms:0} ms, p99 {results.SingleLeadsIdle.AcceptToScoreMs?.P99Ms:0} ms; "
                                  + $"readable right after the 202: {results.SingleLeadsIdle.ReadableAtOnce}/{results.SingleLeadsIdle.ReadChecks}");
            }

            step = "push leads";
            Console.WriteLine($"Pushing {options.Leads:N0} leads through the gateway…");
            var before = cpu.Take();
            var ingest = await Ingest.RunAsync(api, batches, options.BatchSize, options.Leads, options.Senders, ct);
            results.Accepted = ingest.Accepted;
            results.Rejected = ingest.Rejected;
            results.RejectionSamples = ingest.RejectionSamples;
            results.AcceptSeconds = ingest.Seconds;
            results.AcceptedPerSecond = ingest.AcceptedPerSecond;
            results.BatchRequestMs = Percentiles.Of(ingest.BatchMilliseconds);
            Console.WriteLine($"  {ingest.Accepted:N0} accepted in {ingest.Seconds:0.00} s ({ingest.AcceptedPerSecond:N0} leads/s)");
            if (ingest.Rejected > 0)
                Console.WriteLine($"  {ingest.Rejected:N0} rejected, for example: {string.Join(" | ", ingest.RejectionSamples)}");

            step = "wait for every lead's v1 score";
            // The CPU and span figures end when the probes are scored: the sweeps that confirm every
            // lead afterwards are the benchmark's cost, not the pipeline's.
            ProcessCpu.Snapshot? after = null;
            var completion = await ScoringWatch.WaitAsync(api, icpId, 1, ingest, options.BatchSize, options.Senders, options.PhaseTimeout, ct,
                probed: () => after = cpu.Take());
            results.CompletionWatch = new WatchCost(completion.ProbeRounds, completion.ProbeRequests, completion.Sweeps, completion.Pages);
            results.EndToEndSource = completion.ListCarriesScoredAt ? "scoredAt" : "polling";
            results.EndToEndSeconds = (completion.LastScoredAt - ingest.FirstPostAt).TotalSeconds;
            results.ScoredPerSecond = ingest.Accepted / results.EndToEndSeconds;
            results.ScoringTailSeconds = (completion.LastScoredAt - ingest.LastAcceptedAt).TotalSeconds;
            results.AcceptToScoreAllMs = Latency.FromList(ingest, completion);
            results.CpuIngestAndScoring = ProcessCpu.Between(before, after!);
            results.MachineBusyIngestAndScoring = ProcessCpu.MachineBusySeconds(before, after!);
            results.IngestAndScoringWallSeconds = (completion.ProbedAt - ingest.FirstPostAt).TotalSeconds;
            Console.WriteLine($"  every lead scored {results.EndToEndSeconds:0.00} s after the first POST ({results.ScoredPerSecond:N0} leads/s)");

            step = "sample accept-to-score times";
            results.AcceptToScoreSampleMs = await Latency.FromSampleAsync(api, icpId, 1, ingest, options.LatencySample, ct);

            if (options.PacedSeconds > 0 && results.ScoredPerSecond is > 0 and var maxRate)
            {
                step = "leads at half the maximum rate";
                var rate = maxRate / 2;
                Console.WriteLine($"Leads at half the maximum end-to-end rate ({rate:N0} leads/s) for {options.PacedSeconds} s…");
                results.PacedAtHalfRate = await SingleLeads.PacedAsync(api, icpId, 1, rate, TimeSpan.FromSeconds(options.PacedSeconds),
                    Math.Max(200, options.LatencySample / 4), options.Seed + 3, options.PhaseTimeout, ct);
                Console.WriteLine($"  {results.PacedAtHalfRate.OfferedPerSecond:N0} leads/s offered; accept → score p50 {results.PacedAtHalfRate.AcceptToScoreMs?.P50Ms:0} ms, "
                                  + $"p99 {results.PacedAtHalfRate.AcceptToScoreMs?.P99Ms:0} ms");
            }

            step = "re-score for ICP v2";
            Console.WriteLine("Publishing ICP v2 and following the re-scoring…");
            before = cpu.Take();
            results.Rescoring = await Rescoring.RunAsync(api, icpId, ingest.Accepted, options.PhaseTimeout, ct);
            after = cpu.Take();
            results.CpuRescoring = ProcessCpu.Between(before, after);
            results.MachineBusyRescoring = ProcessCpu.MachineBusySeconds(before, after);
            results.RescoringWallSeconds = (results.Rescoring.DetectedAt - results.Rescoring.PublishedAt).TotalSeconds;
            Console.WriteLine($"  {results.Rescoring.Scored:N0} re-scored; {results.Rescoring.ServerLeadsPerSecond:N0} leads/s (service's startedAt → finishedAt), "
                              + $"{results.Rescoring.WallLeadsPerSecond:N0} leads/s (publish → finishedAt)");
            step = "check v2 scores";
            var check = await Latency.CountScoredAsync(api, icpId, 2, ingest, Math.Min(200, options.LatencySample), ct);
            results.RescoringCheck = new SampleCheck(check.Checked, check.Scored);

            step = "collect spans";
            if (system.Traces is { } traces)
            {
                await Task.Delay(TimeSpan.FromSeconds(3), ct); // the exporters' next batch
                var spans = traces.Spans.ToList();
                results.SpansReceived = spans.Count;
                results.SpansIngestAndScoring = [.. SpanReport.Costs(spans, ingest.FirstPostAt, completion.ProbedAt).Take(25)];
                results.SpansRescoring = [.. SpanReport.Costs(spans, results.Rescoring.PublishedAt, results.Rescoring.DetectedAt).Take(25)];
            }
            results.HttpRetries = api.Retries;
        }
        catch (BenchFailure failure)
        {
            results.FailedStep = failure.Step;
            results.Failure = failure.Message;
            throw;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            results.FailedStep = step;
            results.Failure = $"{e.GetType().Name}: {e.Message}";
            throw new BenchFailure(step, results.Failure);
        }
        finally
        {
            await sampling.CancelAsync();
            results.MemoryPeak = await peak;
            Console.WriteLine("Stopping the system…");
        }
    }

    public static string? GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (git is null) return null;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            var dirty = Process.Start(new ProcessStartInfo("git", "status --porcelain --untracked-files=no") { RedirectStandardOutput = true, RedirectStandardError = true });
            var changes = dirty?.StandardOutput.ReadToEnd().Trim();
            dirty?.WaitForExit();
            dirty?.Dispose();
            return git.ExitCode == 0 ? commit + (string.IsNullOrEmpty(changes) ? "" : "+uncommitted") : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
