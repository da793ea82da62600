using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using GrowthKit.Model;

namespace GrowthKit.Bench.Refinement;

/// <summary>
/// Issue 5's quality benchmark. Offline: the market, the hidden truth, the stated ICP and a logistic
/// regression fitted to the training deals. Through the gateway: the stated ICP published, every lead
/// and the training deals pushed, proposals accepted round by round. Then every ranking is judged on
/// the holdout deals — which reach the system only afterwards, for the cross-checks.
/// </summary>
public sealed class RefinementBenchmark(BenchOptions options, RefinementResults results)
{
    private static readonly TimeSpan FirstProposalsWait = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan NextProposalsWait = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan SettleWait = TimeSpan.FromSeconds(30);

    private readonly SyntheticMarket _market = new(options.Companies, options.DealShare, options.Seed);
    private LocalScoring _scoring = null!;
    private OfflineLogisticRegression _logistic = null!;
    private IcpDefinition _stated = null!;
    private string _step = "generate the market";

    public static async Task<int> MainAsync(BenchOptions options)
    {
        var results = new RefinementResults { Options = options, Commit = Benchmark.GitCommit() };
        Console.WriteLine($"GrowthKit refinement benchmark: {options.Companies:N0} companies, deal share {options.DealShare:0.00}, seed {options.Seed}, "
                          + (options.Offline ? "offline" : (options.AutoMode ? "auto mode" : $"manual mode, up to {options.Rounds} rounds") + $", weights move at most {options.MaxWeightChange} per version"));
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // stop the system properly instead of leaving it running
            cancel.Cancel();
        };

        var clock = Stopwatch.StartNew();
        var exitCode = 0;
        var bench = new RefinementBenchmark(options, results);
        try
        {
            await bench.RunAsync(cancel.Token);
        }
        catch (BenchFailure failure)
        {
            exitCode = 1;
            results.FailedStep ??= failure.Step;
            results.Failure ??= failure.Detail;
            Console.Error.WriteLine($"\nBENCHMARK FAILED at step \"{failure.Step}\": {failure.Detail}");
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            exitCode = 130;
            results.Failure = "cancelled";
            Console.Error.WriteLine("\nCancelled.");
        }
        catch (Exception e)
        {
            exitCode = 1;
            results.FailedStep ??= bench._step;
            results.Failure ??= $"{e.GetType().Name}: {e.Message}";
            Console.Error.WriteLine($"\nBENCHMARK FAILED at step \"{results.FailedStep}\": {e}");
        }
        FamilyResults? family = null;
        if (options.FamilySeeds > 0 && exitCode == 0)
        {
            Console.WriteLine($"\nMarket family: 4 shapes × {options.FamilySeeds} seeds{(options.Tune ? ", settings tuned on seeds 1 and 2 first" : "")}…");
            FamilyBenchmark.MaxWeightChange = options.MaxWeightChange;
            family = FamilyBenchmark.Run(options.FamilySeeds, options.Tune);
            results.Family = FamilyBenchmark.ToJson(family);
        }
        results.TotalSeconds = clock.Elapsed.TotalSeconds;
        RefinementReport.Print(results);
        if (family is not null) FamilyBenchmark.Print(family);
        var file = RefinementReport.Write(results, options.ResultsDir);
        Console.WriteLine($"\nResults: {file}");
        if (exitCode == 0 && !bench.SelfCheck()) exitCode = 1;
        return exitCode;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        PrepareOffline();
        if (options.Offline)
        {
            RefineLocally();
            return;
        }

        _step = "start the system";
        Console.WriteLine("Starting the system (AppHost through Aspire.Hosting.Testing)…");
        await using var system = await GrowthKitSystem.StartAsync(options);
        results.SystemStartSeconds = system.StartedIn.TotalSeconds;
        Console.WriteLine($"  up in {system.StartedIn.TotalSeconds:0.0} s");
        Gateway? api = null;
        try
        {
            _step = "create tenant";
            api = await system.CreateTenantAsync("bench-refinement-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss"));
            await DriveAsync(api, ct);
        }
        catch (BenchFailure failure)
        {
            results.FailedStep = failure.Step;
            results.Failure = failure.Detail;
            throw;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw new BenchFailure(_step, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            results.HttpRetries = api?.Retries ?? 0;
            Console.WriteLine("Stopping the system…");
        }
    }

    /// <summary>Everything that needs no system: the market, the regression, the stated ICP's and the truth's AUCs.</summary>
    private void PrepareOffline()
    {
        _step = "generate the market";
        var m = _market;
        results.Market = new MarketFigures(m.Companies.Count, m.Deals.Count, m.Training.Count, m.Training.Count(d => d.Won),
            m.Holdout.Count, m.Holdout.Count(d => d.Won), m.HoldoutFrom, m.Intercept, HiddenTruth.Formula);
        Console.WriteLine($"Market: {m.Companies.Count:N0} companies, {m.Deals.Count:N0} closed deals "
                          + $"({m.Training.Count:N0} training with {m.Training.Count(d => d.Won):N0} won; {m.Holdout.Count:N0} holdout with {m.Holdout.Count(d => d.Won):N0} won, "
                          + $"closed from {m.HoldoutFrom:yyyy-MM-dd})");
        if (m.Training.Count(d => d.Won) < 40 || m.Training.Count(d => !d.Won) < 40)
            results.Warnings.Add("fewer than 40 won or 40 lost training deals: the service will propose nothing");

        _step = "check the bench's own arithmetic";
        CheckArithmetic();

        _step = "score locally";
        _scoring = new LocalScoring(m);
        _stated = LocalScoring.Parse(JsonNode.Parse(StatedIcp.Definition)!);
        results.StatedCriteria = LocalScoring.Readable(JsonNode.Parse(StatedIcp.Definition)!);

        _step = "fit the offline logistic regression";
        var clock = Stopwatch.StartNew();
        _logistic = OfflineLogisticRegression.Fit(m.Training);
        results.LogisticLambda = _logistic.Lambda;
        results.LogisticValidationAuc = _logistic.ValidationAuc;
        results.LogisticFeatures = _logistic.FeatureCount;
        results.LogisticTopCoefficients = [.. _logistic.Coefficients().Take(12).Select(c => $"{c.Weight,6:+0.00;-0.00} {c.Feature}")];
        Console.WriteLine($"Offline logistic regression: {_logistic.FeatureCount} one-hot features, λ = {_logistic.Lambda} "
                          + $"(chosen on the later 20 % of the training deals, AUC {_logistic.ValidationAuc:0.000}), fitted in {clock.Elapsed.TotalSeconds:0.0} s");

        var asIcp = _logistic.AsIcp();
        results.LogisticAsIcpCriteria = asIcp.At("criteria").Items().Count();
        results.LogisticAsIcpHoldoutAuc = Auc.Of(_scoring.Scores(m.Holdout, LocalScoring.Parse(asIcp)), [.. m.Holdout.Select(d => d.Won)]);

        results.Holdout = Aucs(m.Holdout, refined: null);
        results.Training = Aucs(m.Training, refined: null);
    }

    private AucFigures Aucs(IReadOnlyList<MarketDeal> deals, IcpDefinition? refined)
    {
        var won = deals.Select(d => d.Won).ToList();
        return new AucFigures(
            Auc.Of(_scoring.Scores(deals, _stated), won),
            refined is null ? null : Auc.Of(_scoring.Scores(deals, refined), won),
            Auc.Of([.. deals.Select(d => _logistic.Score(d.Company))], won),
            Auc.Of([.. deals.Select(d => d.Company.WinProbability)], won));
    }

    private async Task DriveAsync(Gateway api, CancellationToken ct)
    {
        _step = "publish the stated ICP";
        var icpId = await IcpSetup.PublishFirstVersionAsync(api, ct, StatedIcp.Definition);
        results.IcpId = icpId;
        Console.WriteLine($"Stated ICP {icpId} published as v1.");

        _step = "push leads";
        Console.WriteLine($"Pushing {_market.Companies.Count:N0} leads…");
        var clock = Stopwatch.StartNew();
        var ingest = await Ingest.RunAsync(api, _market.LeadBatches(1_000), 1_000, _market.Companies.Count, senders: 2, ct);
        if (ingest.Rejected > 0)
            throw new BenchFailure(_step, $"{ingest.Rejected} leads rejected, for example: {string.Join(" | ", ingest.RejectionSamples)}");
        results.LeadsAccepted = ingest.Accepted;
        _step = "wait for the leads' v1 scores";
        await ScoringWatch.WaitAsync(api, icpId, 1, ingest, 1_000, 2, options.PhaseTimeout, ct, quiet: true);
        results.LeadsSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  {ingest.Accepted:N0} accepted and scored in {clock.Elapsed.TotalSeconds:0.0} s");

        _step = "set the refinement mode";
        await SetModeAsync(api, icpId, ct);

        _step = "push training deals";
        clock.Restart();
        results.DealsAccepted = await PushDealsAsync(api, _market.Training, ct);
        results.DealsSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  {results.DealsAccepted:N0} training deals accepted in {clock.Elapsed.TotalSeconds:0.0} s");

        _step = "cross-check the gap report (training deals, v1)";
        var gap = await WaitForGapReportAsync(api, icpId, _market.Training.Count, version: 1, ct);
        var trainingStated = results.Training!.Stated;
        AddCrossCheck($"v1 AUC over the {_market.Training.Count:N0} training deals (gap report)", gap.At("auc").AsDouble(), trainingStated,
            $"closedDeals {gap.At("closedDeals")?.ToJsonString()}, won {gap.At("won")?.ToJsonString()}");

        _step = options.AutoMode ? "auto refinement" : "accept proposals";
        clock.Restart();
        if (options.AutoMode) await FollowAutoModeAsync(api, icpId, ct);
        else await AcceptProposalsAsync(api, icpId, ct);
        results.RefinementSeconds = clock.Elapsed.TotalSeconds;

        _step = "read the refined ICP";
        var (version, definitionNode) = await LatestDefinitionAsync(api, icpId, ct);
        var refined = LocalScoring.Parse(definitionNode);
        results.RefinedVersion = version;
        results.RefinedDefinition = definitionNode;
        results.RefinedCriteria = LocalScoring.Readable(definitionNode);
        results.RefinedCriteriaCount = definitionNode.At("criteria").Items().Count();
        results.RefinedValueCount = definitionNode.At("criteria").Items().Sum(c => Math.Max(1, c.At("values").Items().Count()));
        results.Holdout = Aucs(_market.Holdout, refined);
        results.Training = Aucs(_market.Training, refined);
        var won = _market.Holdout.Select(d => d.Won).ToList();
        var lr = _market.Holdout.Select(d => _logistic.Score(d.Company)).ToList();
        var mine = _scoring.Scores(_market.Holdout, refined);
        results.GapToLogistic = results.Holdout.Logistic - results.Holdout.Refined;
        (results.GapLow, results.GapHigh) = Auc.DifferenceInterval(lr, mine, won, seed: options.Seed);
        results.AimReached = results.GapToLogistic <= RefinementResults.AimGapToLogistic;

        await CrossCheckAfterwardsAsync(api, icpId, version, refined, ct);
    }

    private async Task SetModeAsync(Gateway api, Guid icpId, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["mode"] = options.AutoMode ? "auto" : "manual",
            ["minWon"] = 40,
            ["minLost"] = 40,
            ["maxWeightChange"] = options.MaxWeightChange,
        };
        var answer = await api.PutJsonAsync(_step, $"/api/icps/{icpId}/refinement", body, ct: ct);
        if (answer.Status is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.Accepted) return;
        if (options.AutoMode)
            Gateway.Expect(answer, _step, $"PUT /api/icps/{icpId}/refinement", HttpStatusCode.OK);
        Warn($"PUT /api/icps/{{id}}/refinement answered {(int)answer.Status} {Gateway.Shorten(answer.Text, 160)}; going on in the default mode");
    }

    /// <summary>Pushes deals in batches of 1,000; deals rejected (the service may not know their lead yet) are sent again for up to a minute.</summary>
    private async Task<int> PushDealsAsync(Gateway api, IReadOnlyList<MarketDeal> deals, CancellationToken ct)
    {
        Console.WriteLine($"Pushing {deals.Count:N0} deals…");
        var pending = deals.ToList();
        var accepted = 0;
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var rejected = new List<MarketDeal>();
            var samples = new List<string>();
            for (var start = 0; start < pending.Count; start += 1_000)
            {
                var part = pending.Skip(start).Take(1_000).ToList();
                var answer = await api.SendAsync(_step, HttpMethod.Post, "/api/deals/batch", SyntheticMarket.DealBatches(part, 1_000)[0], ct: ct);
                Gateway.Expect(answer, _step, "POST /api/deals/batch", HttpStatusCode.Accepted, HttpStatusCode.OK);
                accepted += answer.Body.At("accepted").Items().Count();
                foreach (var item in answer.Body.At("rejected").Items())
                {
                    if (item.At("index").AsLong() is { } index && index < part.Count) rejected.Add(part[(int)index]);
                    if (samples.Count < 3) samples.Add(Gateway.Shorten(item.ToJsonString(), 200));
                }
            }
            if (rejected.Count == 0) return accepted;
            if (DateTimeOffset.UtcNow > deadline)
                throw new BenchFailure(_step, $"{rejected.Count} deals still rejected after a minute, for example: {string.Join(" | ", samples)}");
            Console.WriteLine($"  {rejected.Count} deals rejected ({samples[0]}); sending them again");
            pending = rejected;
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
    }

    /// <summary>Polls the gap report until it covers <paramref name="deals"/> closed deals (and the version, when given).</summary>
    private async Task<JsonNode> WaitForGapReportAsync(Gateway api, Guid icpId, int deals, int? version, CancellationToken ct)
    {
        var path = $"/api/icps/{icpId}/gap-report";
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var answer = Gateway.Expect(await api.GetAsync(_step, path, ct), _step, "GET " + path, HttpStatusCode.OK);
            var closed = answer.Body.At("closedDeals").AsLong();
            var at = answer.Body.At("icpVersion").AsLong();
            if (closed == deals && (version is null || at == version)) return answer.Body!;
            if (DateTimeOffset.UtcNow > deadline)
            {
                Warn($"the gap report never covered {deals} deals{(version is null ? "" : $" for v{version}")} (last: closedDeals {closed}, icpVersion {at})");
                return answer.Body!;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private async Task AcceptProposalsAsync(Gateway api, Guid icpId, CancellationToken ct)
    {
        var tried = new HashSet<string>();
        var version = 1;
        Console.WriteLine($"Refinement: accepting the proposal that raises the expected AUC most, round by round (at most {options.Rounds}).");
        for (var round = 1; round <= options.Rounds; round++)
        {
            var wait = round == 1 ? FirstProposalsWait : NextProposalsWait;
            var (pending, note) = await WaitForProposalsAsync(api, icpId, version, tried, wait, ct);
            if (pending.Count == 0)
            {
                results.RefinementStopped = note is null
                    ? $"no new pending proposal within {wait.TotalSeconds:0} s"
                    : $"no new proposal; the service says: {note}";
                break;
            }
            var best = pending.OrderByDescending(Gain).First();
            var id = best.At("proposalId").Text()!;
            tried.Add(id);
            var current = best.At("currentAuc").AsDouble();
            var expected = best.At("expectedAuc").AsDouble();
            if (Gain(best) <= 0)
            {
                results.RefinementStopped = $"the best of {pending.Count} pending proposals does not raise the expected AUC ({current:0.000} → {expected:0.000})";
                results.Decisions.Add(new ProposalDecision(round, id, "left pending", current, expected, null, null, best.At("changes")?.DeepClone(), null));
                break;
            }

            var path = $"/api/icps/{icpId}/proposals/{id}/accept";
            var answer = await api.PostJsonAsync(_step, path, new JsonObject(), ct: ct);
            if (answer.Status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
                Gateway.Expect(answer, _step, "POST " + path, HttpStatusCode.OK);
            if (answer.Status != HttpStatusCode.OK)
            {
                // A proposal made stale by an earlier acceptance may be refused; the next round looks again.
                results.Decisions.Add(new ProposalDecision(round, id, $"accept refused ({(int)answer.Status})", current, expected, null, null,
                    best.At("changes")?.DeepClone(), Gateway.Shorten(answer.Text, 200)));
                Console.WriteLine($"  round {round}: accepting {id} answered {(int)answer.Status}: {Gateway.Shorten(answer.Text, 160)}");
                continue;
            }
            version = (int)(answer.Body.At("version").AsLong() ?? version + 1);
            var (_, definition) = await DefinitionAsync(api, icpId, version, ct);
            var holdout = Auc.Of(_scoring.Scores(_market.Holdout, LocalScoring.Parse(definition)), [.. _market.Holdout.Select(d => d.Won)]);
            results.Decisions.Add(new ProposalDecision(round, id, "accepted", current, expected, version, holdout, best.At("changes")?.DeepClone(), null));
            Console.WriteLine($"  round {round}: accepted → v{version}; expected AUC {current:0.000} → {expected:0.000}; holdout AUC now {holdout:0.000}  "
                              + Gateway.Shorten(best.At("changes")?.ToJsonString() ?? "", 140));
            // The next proposals should be made against the new version: wait until the service knows it.
            await WaitForVersionInRefinementAsync(api, icpId, version, ct);
        }
        if (results.RefinementStopped is null) results.RefinementStopped = $"stopped after {options.Rounds} rounds";
        Console.WriteLine($"  refinement stopped: {results.RefinementStopped}");

        static double Gain(JsonNode p) => (p.At("expectedAuc").AsDouble() ?? 0) - (p.At("currentAuc").AsDouble() ?? 0);
    }

    /// <summary>
    /// Pending proposals not tried yet. The service reviews the evidence when deals arrive or a version is
    /// published and says in <c>note</c> why its latest review gave none; such an answer about
    /// <paramref name="version"/> (<c>reviewedVersion</c>) ends the wait.
    /// </summary>
    private async Task<(List<JsonNode> Pending, string? Note)> WaitForProposalsAsync(Gateway api, Guid icpId, int version,
        HashSet<string> tried, TimeSpan wait, CancellationToken ct)
    {
        var path = $"/api/icps/{icpId}/proposals";
        var deadline = DateTimeOffset.UtcNow + wait;
        while (true)
        {
            var answer = Gateway.Expect(await api.GetAsync(_step, path, ct), _step, "GET " + path, HttpStatusCode.OK);
            if (answer.Body.At("items") is null)
                throw new BenchFailure(_step, $"GET {path}: no 'items' in {Gateway.Shorten(answer.Text)}");
            var pending = answer.Body.At("items").Items()
                .Where(p => p.At("status").Text() == "pending" && p.At("proposalId").Text() is { } id && !tried.Contains(id))
                .ToList();
            var note = answer.Body.At("reviewedVersion").AsLong() >= version ? answer.Body.At("note").Text() : null;
            if (pending.Count > 0 || note is not null || DateTimeOffset.UtcNow > deadline) return (pending, note);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private async Task WaitForVersionInRefinementAsync(Gateway api, Guid icpId, int version, CancellationToken ct)
    {
        var path = $"/api/icps/{icpId}/gap-report";
        var deadline = DateTimeOffset.UtcNow + SettleWait;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var answer = await api.GetAsync(_step, path, ct);
            if (answer.Status == HttpStatusCode.OK && answer.Body.At("icpVersion").AsLong() >= version) return;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
        Warn($"the gap report did not show v{version} within {SettleWait.TotalSeconds:0} s of its acceptance");
    }

    private async Task FollowAutoModeAsync(Gateway api, Guid icpId, CancellationToken ct)
    {
        Console.WriteLine("Refinement: auto mode; following the published versions until none comes for 90 s.");
        var version = 1;
        var quietSince = DateTimeOffset.UtcNow;
        var deadline = DateTimeOffset.UtcNow + options.PhaseTimeout;
        while (DateTimeOffset.UtcNow - quietSince < TimeSpan.FromSeconds(90))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                Warn($"auto mode was still publishing after {options.PhaseTimeout.TotalMinutes:0} minutes");
                break;
            }
            var (latest, definition) = await LatestDefinitionAsync(api, icpId, ct);
            if (latest > version)
            {
                for (var v = version + 1; v <= latest; v++)
                {
                    var (_, d) = v == latest ? (latest, definition) : await DefinitionAsync(api, icpId, v, ct);
                    var holdout = Auc.Of(_scoring.Scores(_market.Holdout, LocalScoring.Parse(d)), [.. _market.Holdout.Select(x => x.Won)]);
                    results.Decisions.Add(new ProposalDecision(v - 1, "auto", "applied by auto mode", null, null, v, holdout, null, null));
                    Console.WriteLine($"  auto mode published v{v}; holdout AUC {holdout:0.000}");
                }
                version = latest;
                quietSince = DateTimeOffset.UtcNow;
            }
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
        results.RefinementStopped = $"auto mode: v{version}, nothing new for 90 s";
    }

    private async Task<(int Version, JsonNode Definition)> LatestDefinitionAsync(Gateway api, Guid icpId, CancellationToken ct)
    {
        var path = $"/api/icps/{icpId}";
        var answer = Gateway.Expect(await api.GetAsync(_step, path, ct), _step, "GET " + path, HttpStatusCode.OK);
        var version = answer.Body.At("published").At("version").AsLong()
                      ?? throw new BenchFailure(_step, $"GET {path}: no published version in {Gateway.Shorten(answer.Text)}");
        return await DefinitionAsync(api, icpId, (int)version, ct);
    }

    private async Task<(int Version, JsonNode Definition)> DefinitionAsync(Gateway api, Guid icpId, int version, CancellationToken ct)
    {
        var path = $"/api/icps/{icpId}/versions/{version}";
        var answer = Gateway.Expect(await api.GetAsync(_step, path, ct), _step, "GET " + path, HttpStatusCode.OK);
        var definition = answer.Body.At("definition") ?? throw new BenchFailure(_step, $"GET {path}: no definition in {Gateway.Shorten(answer.Text)}");
        return (version, definition.DeepClone());
    }

    /// <summary>
    /// After the holdout was judged: the holdout deals go in too, and the system's own figures over every
    /// deal (the gap report for the refined version, a backtest of the stated ICP) and a sample of its
    /// lead scores must agree with the ones computed here.
    /// </summary>
    private async Task CrossCheckAfterwardsAsync(Gateway api, Guid icpId, int version, IcpDefinition refined, CancellationToken ct)
    {
        _step = "cross-check: lead scores of the refined version";
        var sample = _market.Holdout.Take(20).Select(d => d.Company).ToList();
        var agree = 0;
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        foreach (var company in sample)
        {
            while (true)
            {
                var path = $"/api/leads/by-external-id/{company.ExternalId}";
                var answer = Gateway.Expect(await api.GetAsync(_step, path, ct), _step, "GET " + path, HttpStatusCode.OK);
                var score = answer.Body.At("scores").Items().FirstOrDefault(s => s.At("icpId").AsGuid() == icpId && s.At("icpVersion").AsLong() == version);
                if (score is not null)
                {
                    if (score.At("score").AsDouble() == (double)_scoring.Score(company, refined).Score) agree++;
                    break;
                }
                if (DateTimeOffset.UtcNow > deadline) break;
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
        AddCrossCheck($"holdout leads whose v{version} score from the system equals the local one", agree, sample.Count, null);

        _step = "push holdout deals";
        await PushDealsAsync(api, _market.Holdout, ct);
        _step = "cross-check the gap report (every deal, refined version)";
        var gap = await WaitForGapReportAsync(api, icpId, _market.Deals.Count, version, ct);
        var all = _market.Deals.Select(d => d.Won).ToList();
        AddCrossCheck($"v{version} AUC over all {_market.Deals.Count:N0} deals (gap report)", gap.At("auc").AsDouble(),
            Auc.Of(_scoring.Scores(_market.Deals, refined), all), null);

        _step = "cross-check a backtest of the stated ICP (every deal)";
        var path2 = $"/api/icps/{icpId}/backtest";
        var backtest = await api.PostJsonAsync(_step, path2, new JsonObject { ["definition"] = JsonNode.Parse(StatedIcp.Definition) }, ct: ct);
        if (backtest.Status == HttpStatusCode.OK)
            AddCrossCheck($"stated ICP's AUC over all {_market.Deals.Count:N0} deals (backtest)", backtest.Body.At("auc").AsDouble(),
                Auc.Of(_scoring.Scores(_market.Deals, _stated), all), $"closedDeals {backtest.Body.At("closedDeals")?.ToJsonString()}");
        else
            Warn($"POST /api/icps/{{id}}/backtest answered {(int)backtest.Status}: {Gateway.Shorten(backtest.Text, 160)}");
    }

    private void AddCrossCheck(string what, double? system, double local, string? note)
    {
        var agrees = system is { } s && Math.Abs(s - local) <= 0.002;
        results.CrossChecks.Add(new CrossCheck(what, system, local, agrees, note));
        Console.WriteLine($"  cross-check: {what}: system {RefinementReport.Figure(system)}, here {RefinementReport.Figure(local)} {(agrees ? "✓" : "✗ DIFFERENT")}");
    }

    private void Warn(string warning)
    {
        results.Warnings.Add(warning);
        Console.WriteLine("  warning: " + warning);
    }

    /// <summary>Small known cases of the AUC and the market's determinism; a wrong yardstick would make every figure wrong.</summary>
    private void CheckArithmetic()
    {
        void Expect(string what, double actual, double expected)
        {
            if (Math.Abs(actual - expected) > 1e-12) throw new BenchFailure(_step, $"{what}: {actual}, expected {expected}");
        }
        Expect("AUC of [1,2,3,4] against [lost, won, lost, won]", Auc.Of([1, 2, 3, 4], [false, true, false, true]), 0.75);
        Expect("AUC of tied scores", Auc.Of([1, 1, 1], [true, false, false]), 0.5);
        Expect("AUC of a perfect ranking", Auc.Of([0.1, 0.9, 0.2, 0.8], [false, true, false, true]), 1);
        Expect("AUC of a reversed ranking", Auc.Of([0.9, 0.1], [false, true]), 0);
        var again = new SyntheticMarket(options.Companies, options.DealShare, options.Seed);
        if (!again.Deals.Select(d => (d.DealId, d.Won, d.ClosedAt)).SequenceEqual(_market.Deals.Select(d => (d.DealId, d.Won, d.ClosedAt)))
            || !again.Companies.Select(SyntheticMarket.LeadJson).Zip(_market.Companies.Select(SyntheticMarket.LeadJson)).All(p => p.First.AsSpan().SequenceEqual(p.Second)))
            throw new BenchFailure(_step, "the same seed gave another market");
        if (_market.Training.Count > 0 && _market.Holdout.Count > 0 && _market.Training[^1].ClosedAt > _market.HoldoutFrom)
            throw new BenchFailure(_step, "a training deal closed after the holdout began");
    }

    /// <summary>The benchmark checks itself: the truth must out-rank the stated ICP, or the market teaches nothing.</summary>
    private bool SelfCheck()
    {
        if (results.Holdout is not { } h) return false;
        var ok = true;
        if (!(h.Truth > h.Stated + 0.05))
        {
            Console.Error.WriteLine($"SELF-CHECK FAILED: the hidden truth ({h.Truth:0.000}) should rank the holdout clearly better than the stated ICP ({h.Stated:0.000}).");
            ok = false;
        }
        if (!(h.Logistic > h.Stated))
        {
            Console.Error.WriteLine($"SELF-CHECK FAILED: the offline regression ({h.Logistic:0.000}) should beat the stated ICP ({h.Stated:0.000}).");
            ok = false;
        }
        return ok;
    }

    /// <summary>The service's refiner run in process on the training deals, round after round: a fast loop for tuning it.</summary>
    private void RefineLocally()
    {
        var m = _market;
        var closed = m.Training.Select(d => new ClosedDeal(d.DealId, _scoring.Lead(d.Company), d.Won, d.ClosedAt)).ToList();
        var current = _stated;
        var won = m.Holdout.Select(d => d.Won).ToList();
        Console.WriteLine($"Refining locally (max weight change {options.MaxWeightChange}):");
        Console.WriteLine($"  v1 holdout AUC {Auc.Of(_scoring.Scores(m.Holdout, current), won):0.000}");
        for (var round = 2; round <= options.Rounds + 1; round++)
        {
            var attempt = Refiner.Propose(current, closed, new RefinementRules(MaxWeightChange: options.MaxWeightChange));
            if (attempt.Proposal is not { } proposal)
            {
                Console.WriteLine($"  no proposal: {attempt.WhyNot}");
                break;
            }
            current = proposal.Definition;
            Console.WriteLine($"  v{round} holdout AUC {Auc.Of(_scoring.Scores(m.Holdout, current), won):0.000} "
                              + $"({current.Criteria!.Count} criteria; the refiner's own holdout {proposal.CurrentAuc:0.000} → {proposal.ExpectedAuc:0.000})");
        }
        foreach (var line in LocalScoring.Readable(System.Text.Json.JsonSerializer.SerializeToNode(current, ModelJson.Options)!)) Console.WriteLine("    " + line);
    }
}
