using System.Net;
using GrowthKit.Contracts;
using GrowthKit.Integrations.Connections;
using GrowthKit.Integrations.Sync;
using GrowthKit.Integrations.WriteBack;

namespace GrowthKit.Services.Tests.Integrations;

public sealed class WriteBackValuesTests
{
    private static RecordedScore Score(Guid lead, int version, int minute, string tier = "A", string? disqualifiedBy = null) =>
        new(lead, "hubspot:company:1", Guid.Empty, version, 1, 50, tier, disqualifiedBy, ["industry", "size", "country", "trigger"],
            new DateTimeOffset(2026, 1, 1, 0, minute, 0, TimeSpan.Zero));

    [Fact]
    public void The_newest_score_of_each_lead_is_written_whatever_the_order_of_the_page()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var latest = WriteBackValues.LatestPerLead([Score(a, 2, 5, "B"), Score(a, 1, 1), Score(b, 1, 3, "C"), Score(a, 3, 4, "D")]);

        Assert.Equal([("B", a), ("C", b)], latest.Select(s => (s.Tier, s.LeadId)).OrderBy(s => s.Tier));
    }

    [Fact]
    public void Reasons_are_the_top_three_matched_criteria_or_the_disqualifier()
    {
        Assert.Equal("industry, size, country", WriteBackValues.Reasons(Score(Guid.NewGuid(), 1, 0)));
        Assert.Equal("disqualified: too-small", WriteBackValues.Reasons(Score(Guid.NewGuid(), 1, 0, "disqualified", "too-small")));
    }

    [Fact]
    public void A_429_waits_for_retry_after_or_the_rate_limit_reset_and_never_longer_than_a_minute()
    {
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), CrmHttp.RetryAfter(seconds));

        using var reset = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        reset.Headers.Add("x-ratelimit-reset", "2");
        Assert.Equal(TimeSpan.FromSeconds(2), CrmHttp.RetryAfter(reset));

        using var far = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        far.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromHours(2));
        Assert.Equal(TimeSpan.FromMinutes(1), CrmHttp.RetryAfter(far));

        using var none = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        Assert.Null(CrmHttp.RetryAfter(none));
    }

    [Fact]
    public void Each_tenant_and_crm_has_its_own_sync_lock()
    {
        var tenant = Guid.NewGuid();
        Assert.Equal(SyncLocks.Key(tenant, "hubspot"), SyncLocks.Key(tenant, "hubspot"));
        Assert.NotEqual(SyncLocks.Key(tenant, "hubspot"), SyncLocks.Key(tenant, "pipedrive"));
        Assert.NotEqual(SyncLocks.Key(tenant, "hubspot"), SyncLocks.Key(Guid.NewGuid(), "hubspot"));
    }

    [Fact]
    public void A_sync_keeps_the_first_hundred_errors_and_counts_them_all()
    {
        var sync = CrmSync.Start("hubspot", Guid.NewGuid(), null, DateTimeOffset.UtcNow)
            .WithErrors(Enumerable.Range(0, 80).Select(i => new SyncError($"r{i}", "bad")))
            .WithErrors(Enumerable.Range(80, 50).Select(i => new SyncError($"r{i}", "bad")));

        Assert.Equal(130, sync.ErrorCount);
        Assert.Equal(CrmSync.KeptErrors, sync.Errors.Count);
        Assert.Equal("r99", sync.Errors[^1].Record);
    }
}
