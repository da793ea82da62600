namespace GrowthKit.AppHost.Supervision;

/// <summary>What the supervisor remembers of one resource between its state changes.</summary>
/// <param name="State">The last state seen (a <see cref="KnownResourceStates"/> text).</param>
/// <param name="StopRequested">Someone stopped it on purpose (the stop command): not a crash.</param>
/// <param name="QuickCrashes">Crashes in a row, each soon after the previous start: a crash loop.</param>
/// <param name="RunningSince">When it last reached Running.</param>
public sealed record SupervisedResource(
    string? State = null, bool StopRequested = false, int QuickCrashes = 0, DateTimeOffset? RunningSince = null);

/// <summary>The next memory of the resource, and whether (and after how long) to start it again.</summary>
public readonly record struct SupervisionDecision(SupervisedResource Next, TimeSpan? RestartAfter);

/// <summary>
/// When a service process dies, start it again. Pure: the supervisor feeds it every state change and
/// acts on the answer. A stop through the stop command passes through <c>Stopping</c> (or is noted by
/// <see cref="StopRequested"/>) and is left alone; so is everything while the AppHost shuts down.
/// A process that keeps dying right after its start is restarted with a growing pause (1, 2, 4 … 30 s)
/// instead of in a tight loop; the first crash after a stable run is restarted at once.
/// </summary>
public static class SupervisionPolicy
{
    /// <summary>A process that ran this long before it died was not crash-looping.</summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);

    public static SupervisionDecision Observe(SupervisedResource current, string? state, DateTimeOffset now, bool shuttingDown)
    {
        if (state is null || state == current.State) return new(current, null);

        if (state == KnownResourceStates.Stopping) return new(current with { State = state, StopRequested = true }, null);

        if (IsTerminal(state))
        {
            var next = current with { State = state, RunningSince = null };
            var wasAlive = current.State is { } previous && !IsTerminal(previous)
                           && previous != KnownResourceStates.Stopping && previous != KnownResourceStates.NotStarted;
            if (shuttingDown || current.StopRequested || !wasAlive) return new(next, null);

            var quick = current.RunningSince is not { } since || now - since < StableAfter;
            var crashes = quick ? current.QuickCrashes + 1 : 1;
            return new(next with { QuickCrashes = crashes }, Pause(crashes));
        }

        // Starting, Waiting, Running, …: alive again, whoever started it; a later death is a crash.
        var alive = current with { State = state, StopRequested = false };
        return new(state == KnownResourceStates.Running ? alive with { RunningSince = now } : alive, null);
    }

    /// <summary>The stop command was issued: whatever state follows, the exit is deliberate.</summary>
    public static SupervisedResource StopRequestedBy(SupervisedResource current) => current with { StopRequested = true };

    /// <summary>No pause after the first crash; then 1, 2, 4 … seconds, at most <see cref="MaxPause"/>.</summary>
    public static TimeSpan Pause(int crashesInARow) =>
        crashesInARow <= 1
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds(Math.Min(MaxPause.TotalSeconds, Math.Pow(2, crashesInARow - 2)));

    public static bool IsTerminal(string state) =>
        state == KnownResourceStates.Exited || state == KnownResourceStates.Finished
        || state == KnownResourceStates.FailedToStart;
}
