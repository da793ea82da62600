namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// Crashes: the scoring process is killed outright (SIGKILL) and started again; nothing that was
/// accepted is lost, and nothing is scored twice.
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class FaultTests(GrowthKitApp system)
{
    [Fact]
    public async Task Leads_pushed_while_scoring_is_killed_are_scored_exactly_once_after_it_restarts()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var tenant = await system.CreateTenantAsync();
        var icpId = await tenant.Api.CreateIcp();
        await tenant.Api.Publish(icpId);

        await ResourceProcesses.KillAsync(system.App, "scoring", cts.Token);
        try
        {
            var leads = new List<Guid>();
            for (var i = 0; i < 20; i++) leads.Add(await tenant.Api.PushLead(Samples.Lead($"while-down-{i}")));

            await ResourceProcesses.StartAsync(system.App, "scoring", cts.Token);

            foreach (var leadId in leads)
            {
                var lead = await tenant.Api.WaitForLead(leadId, l => l.Scores().Count == 1);
                var score = lead.Scores()[0]!;
                Assert.Equal(72.7m, score["score"]!.GetValue<decimal>());
                Assert.Equal(1, score["icpVersion"]!.GetValue<int>());
            }
        }
        finally
        {
            // Leave the shared system whole for the other tests, whatever happened above.
            if (!system.App.ResourceNotifications.TryGetCurrentState("scoring", out var state)
                || state.Snapshot.State?.Text != KnownResourceStates.Running)
            {
                await ResourceProcesses.StartAsync(system.App, "scoring", CancellationToken.None);
            }
        }
    }
}
