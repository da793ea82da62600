using System.Diagnostics;

namespace GrowthKit.Services.Tests.Infrastructure;

/// <summary>
/// One of the repository's server scripts (eng/*-server.sh) run as a child process: started, awaited
/// until it prints its ready line, and stopped with SIGTERM so it shuts its server down in order.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 200;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _name;
    private readonly Queue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _readyLine;
    private int _stopped;

    private ServerProcess(string name, Process process, string readyLine)
    {
        _name = name;
        _process = process;
        _readyLine = readyLine;
    }

    /// <summary>Runs <c>bash eng/SCRIPT</c> from the repository root and waits for the line that starts with <paramref name="readyLine"/>.</summary>
    public static async Task<ServerProcess> StartAsync(string script, IReadOnlyDictionary<string, string> environment,
        string readyLine, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepoRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine("eng", script));
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(script, process, readyLine);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server._ready.TrySetException(
            new InvalidOperationException($"{script} exited before it was ready.\n{server.Output}"));

        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // A test host that ends without disposing its fixtures must not leave servers behind.
        AppDomain.CurrentDomain.ProcessExit += server.OnProcessExit;

        try
        {
            await server._ready.Task.WaitAsync(timeout);
            return server;
        }
        catch (Exception e)
        {
            await server.DisposeAsync();
            throw e is TimeoutException
                ? new TimeoutException($"{script} was not ready within {timeout.TotalSeconds} s.\n{server.Output}")
                : e;
        }
    }

    public string Output
    {
        get
        {
            lock (_output) return string.Join('\n', _output);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLinesKept) _output.Dequeue();
        }
        if (line.StartsWith(_readyLine, StringComparison.Ordinal)) _ready.TrySetResult();
    }

    private void OnProcessExit(object? sender, EventArgs e) => StopAsync().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        await StopAsync();
        _process.Dispose();
    }

    /// <summary>SIGTERM (the scripts' orderly stop), then wait; SIGKILL of the whole tree only as a last resort.</summary>
    private async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1 || HasExited()) return;

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString()]) { UseShellExecute = false }))
        {
            await kill!.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            throw new InvalidOperationException($"{_name} did not stop within {StopTimeout.TotalSeconds} s; killed.\n{Output}");
        }
    }

    private bool HasExited()
    {
        try
        {
            return _process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true; // never started
        }
    }
}
