using System.Text.Json;
using GrowthKit.Leads;
using GrowthKit.Model;
using JasperFx.Events;

namespace GrowthKit.Services.Tests.Relay;

/// <summary>A relayed page is cut into messages by bytes, so large leads never make a message the broker refuses.</summary>
public sealed class RelayChunkTests
{
    private static IEvent Recorded(int i, int rawBytes)
    {
        var raw = JsonSerializer.SerializeToElement(new { externalId = $"crm-{i}", padding = new string('x', rawBytes) });
        var lead = new Lead($"crm-{i}", new Company("Acme", null, null, null, null, null), null, null, null, null);
        return new Event<LeadSnapshotRecorded>(new LeadSnapshotRecorded(Guid.NewGuid(), $"crm-{i}", 1, lead, raw, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Small_leads_stay_in_one_message_and_large_ones_are_split_within_the_bound_in_order()
    {
        var small = Enumerable.Range(0, 1000).Select(i => Recorded(i, 100)).ToList();
        Assert.Single(LeadRelay.Chunks(small));

        var large = Enumerable.Range(0, 1000).Select(i => Recorded(i, 60_000)).ToList();
        var chunks = LeadRelay.Chunks(large).ToList();
        Assert.True(chunks.Count > 100, $"{chunks.Count} chunks");
        Assert.Equal(large, chunks.SelectMany(c => c));
        Assert.All(chunks, c => Assert.True(c.Count == 1 || c.Sum(e => 2L * 60_000) <= LeadRelay.MaxMessageBytes));
    }
}
