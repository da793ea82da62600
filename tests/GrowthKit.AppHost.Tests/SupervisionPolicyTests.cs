using GrowthKit.AppHost.Supervision;

namespace GrowthKit.AppHost.Tests;

/// <summary>When the AppHost starts a dead service again, and when it leaves it alone.</summary>
public sealed class SupervisionPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static SupervisionDecision Run(params (string State, double AtSeconds)[] changes) =>
        RunFrom(new SupervisedResource(), false, changes);

    private static SupervisionDecision RunFrom(SupervisedResource start, bool shuttingDown, params (string State, double AtSeconds)[] changes)
    {
        var decision = new SupervisionDecision(start, null);
        foreach (var (state, at) in changes)
        {
            decision = SupervisionPolicy.Observe(decision.Next, state, T0.AddSeconds(at), shuttingDown);
        }
        return decision;
    }

    [Theory]
    [InlineData("Exited")]
    [InlineData("Finished")]
    [InlineData("FailedToStart")]
    public void A_running_service_that_dies_is_started_again_at_once(string terminal)
    {
        var decision = Run(("NotStarted", 0), ("Starting", 1), ("Running", 2), (terminal, 300));
        Assert.Equal(TimeSpan.Zero, decision.RestartAfter);
    }

    [Fact]
    public void A_service_stopped_on_purpose_passes_through_stopping_and_stays_stopped()
    {
        var decision = Run(("Starting", 0), ("Running", 1), ("Stopping", 60), ("Exited", 61));
        Assert.Null(decision.RestartAfter);
        Assert.True(decision.Next.StopRequested);
    }

    [Fact]
    public void A_stop_request_noted_before_the_exit_is_honoured_even_without_a_stopping_state()
    {
        var running = Run(("Starting", 0), ("Running", 1)).Next;
        var decision = SupervisionPolicy.Observe(SupervisionPolicy.StopRequestedBy(running), "Exited", T0.AddSeconds(60), false);
        Assert.Null(decision.RestartAfter);
    }

    [Fact]
    public void A_service_started_again_after_a_deliberate_stop_is_supervised_again()
    {
        var decision = Run(("Running", 1), ("Stopping", 60), ("Exited", 61), ("Starting", 120), ("Running", 121), ("Exited", 400));
        Assert.Equal(TimeSpan.Zero, decision.RestartAfter);
    }

    [Fact]
    public void Nothing_is_restarted_while_the_apphost_shuts_down()
    {
        var running = Run(("Starting", 0), ("Running", 1)).Next;
        Assert.Null(RunFrom(running, true, ("Exited", 30)).RestartAfter);
    }

    [Fact]
    public void A_resource_that_never_ran_is_not_started_by_the_supervisor()
    {
        Assert.Null(Run(("NotStarted", 0), ("FailedToStart", 1)).RestartAfter);
        Assert.Null(Run(("Exited", 0)).RestartAfter);
    }

    [Fact]
    public void Repeated_states_change_nothing()
    {
        var exited = Run(("Running", 1), ("Exited", 100));
        Assert.Equal(TimeSpan.Zero, exited.RestartAfter);
        Assert.Null(SupervisionPolicy.Observe(exited.Next, "Exited", T0.AddSeconds(101), false).RestartAfter);
    }

    [Fact]
    public void A_crash_loop_backs_off_and_a_stable_run_resets_it()
    {
        // Each start dies 2 s after it runs: no pause, then 1, 2, 4 … s, at most 30.
        var memory = Run(("Running", 0), ("Exited", 100)).Next;
        var pauses = new List<double>();
        var t = 100.0;
        for (var i = 0; i < 8; i++)
        {
            memory = SupervisionPolicy.Observe(memory, "Starting", T0.AddSeconds(t += 1), false).Next;
            memory = SupervisionPolicy.Observe(memory, "Running", T0.AddSeconds(t += 1), false).Next;
            var decision = SupervisionPolicy.Observe(memory, "Exited", T0.AddSeconds(t += 2), false);
            pauses.Add(decision.RestartAfter!.Value.TotalSeconds);
            memory = decision.Next;
        }
        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], pauses);

        memory = SupervisionPolicy.Observe(memory, "Starting", T0.AddSeconds(t += 1), false).Next;
        memory = SupervisionPolicy.Observe(memory, "Running", T0.AddSeconds(t += 1), false).Next;
        Assert.Equal(TimeSpan.Zero, SupervisionPolicy.Observe(memory, "Exited", T0.AddSeconds(t + 600), false).RestartAfter);
    }

    [Fact]
    public void A_service_killed_once_per_round_is_never_paused()
    {
        // The chaos suite's long form kills every service in turn, about every half minute each.
        var memory = Run(("Running", 0)).Next;
        for (var round = 1; round <= 20; round++)
        {
            var decision = SupervisionPolicy.Observe(memory, "Exited", T0.AddSeconds(round * 30), false);
            Assert.Equal(TimeSpan.Zero, decision.RestartAfter);
            memory = SupervisionPolicy.Observe(decision.Next, "Starting", T0.AddSeconds(round * 30 + 1), false).Next;
            memory = SupervisionPolicy.Observe(memory, "Running", T0.AddSeconds(round * 30 + 5), false).Next;
        }
    }
}
