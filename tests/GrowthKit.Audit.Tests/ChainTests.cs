using System.Text.Json;
using GrowthKit.Model.Audit;

namespace GrowthKit.Audit.Tests;

public sealed class ChainTests
{
    private static readonly Guid Stream = Guid.Parse("0b9f1c3e-4a57-4c1e-9d2a-6f0e8a3b5c71");

    private static ChainLink Link(string data = """{"by":"alice","reason":"first release","version":1}""") =>
        new("IcpPublished.v1", Stream, 2, "2026-05-01T10:00:00.123456Z", "alice", "first release",
            JsonDocument.Parse(data).RootElement, ChainLink.Genesis);

    [Fact]
    public void A_link_hashes_the_same_whatever_the_key_order_and_spacing_of_its_data()
    {
        var hash = Link().Hash();
        Assert.Matches("^sha256:[0-9a-f]{64}$", hash);
        Assert.Equal(hash, Link("""{ "version": 1.0, "reason": "first release", "by": "alice" }""").Hash());
    }

    [Fact]
    public void Every_part_of_a_link_is_covered_by_its_hash()
    {
        var link = Link();
        var hash = link.Hash();
        Assert.All(new[]
        {
            link with { Type = "IcpPublished.v2" },
            link with { Stream = Guid.NewGuid() },
            link with { Version = 3 },
            link with { Timestamp = "2026-05-01T10:00:00.123457Z" },
            link with { Who = "mallory" },
            link with { Why = null },
            link with { Data = JsonDocument.Parse("""{"by":"alice","reason":"first release","version":2}""").RootElement },
            link with { Prev = "sha256:" + new string('1', 64) },
        }, changed => Assert.NotEqual(hash, changed.Hash()));
    }

    [Fact]
    public void Timestamps_are_written_as_PostgreSQL_keeps_them_in_microseconds_UTC()
    {
        var at = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        Assert.Equal("2026-05-01T10:00:00.123456Z", ChainLink.FormatTimestamp(at));
    }

    [Fact]
    public void Who_and_why_come_from_the_events_data_with_the_service_as_fallback()
    {
        Assert.Equal(("alice", "why not"), ChainLink.Attribution(JsonDocument.Parse("""{"by":"alice","reason":"why not"}""").RootElement, "icp"));
        Assert.Equal(("bob", null), ChainLink.Attribution(JsonDocument.Parse("""{"publishedBy":"bob"}""").RootElement, "scoring"));
        Assert.Equal(("scoring", null), ChainLink.Attribution(JsonDocument.Parse("""{"scores":[]}""").RootElement, "scoring"));
    }

    [Fact]
    public void The_key_derived_from_a_secret_is_stable_and_differs_between_secrets()
    {
        using var first = AuditKey.FromSecret("platform secret");
        using var again = AuditKey.FromSecret("platform secret");
        using var other = AuditKey.FromSecret("another secret");
        Assert.Equal(AuditKey.PublicKey(first), AuditKey.PublicKey(again));
        Assert.NotEqual(AuditKey.PublicKey(first), AuditKey.PublicKey(other));
        Assert.Matches("^[0-9a-f]{16}$", AuditKey.KeyId(AuditKey.PublicKey(first)));
    }

    [Fact]
    public void A_checkpoint_verifies_with_the_signing_key_only_and_only_as_signed()
    {
        using var key = AuditKey.FromSecret("platform secret");
        using var publicKey = AuditKey.FromPublicKey(AuditKey.PublicKey(key));
        using var forger = AuditKey.FromSecret("forger");
        var checkpoint = new ChainCheckpoint("tenant", "icp", 7, Link().Hash(), "2026-05-01T10:00:00.000000Z", "k");
        var signature = checkpoint.Sign(key);

        Assert.True(checkpoint.IsSignedBy(publicKey, signature));
        Assert.False((checkpoint with { Position = 8 }).IsSignedBy(publicKey, signature));
        Assert.False((checkpoint with { Hash = ChainLink.Genesis }).IsSignedBy(publicKey, signature));
        Assert.False(checkpoint.IsSignedBy(publicKey, checkpoint.Sign(forger)));
        Assert.False(checkpoint.IsSignedBy(publicKey, "not base64!"));
    }
}
