using System.Globalization;
using GrowthKit.Bench;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (options.Scenario == BenchOptions.Refinement)
    return await GrowthKit.Bench.Refinement.RefinementBenchmark.MainAsync(options);

var results = new BenchResults { Options = options, Commit = Benchmark.GitCommit(), LoadAverageAtStart = LoadAverage() };
Console.WriteLine($"GrowthKit benchmark: {options.Leads:N0} leads, {results.Machine}, load average {results.LoadAverageAtStart:0.00}");

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop the system properly instead of leaving it running
    cancel.Cancel();
};

var exitCode = 0;
try
{
    await new Benchmark(options, results).RunAsync(cancel.Token);
}
catch (BenchFailure failure)
{
    exitCode = 1;
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
    results.Failure ??= e.ToString();
    Console.Error.WriteLine($"\nBENCHMARK FAILED{(results.FailedStep is null ? "" : $" at step \"{results.FailedStep}\"")}: {e}");
}

Report.PrintSummary(results);
Report.PrintWhereTimeGoes(results);
var file = Report.Write(results, options.ResultsDir);
Console.WriteLine($"\nResults: {file}");
return exitCode;

static double? LoadAverage()
{
    try
    {
        var text = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        return double.Parse(text, CultureInfo.InvariantCulture);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
    {
        return null;
    }
}
