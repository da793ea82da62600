using UUIDNext;
using UUIDNext.Tools;

namespace GrowthKit.Model.Tests;

public class DeterministicIdTests
{
    [Fact]
    public void The_same_parts_give_the_same_version_5_id()
    {
        var tenant = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";

        var first = DeterministicId.For(tenant, "crm-4711");
        var second = DeterministicId.For(tenant, "crm-4711");

        Assert.Equal(first, second);
        Assert.Equal(5, UuidDecoder.GetVersion(first));
    }

    [Fact]
    public void Different_parts_or_order_give_different_ids()
    {
        Assert.NotEqual(DeterministicId.For("a", "b"), DeterministicId.For("b", "a"));
        Assert.NotEqual(DeterministicId.For("a", "b"), DeterministicId.For("ab"));
        Assert.NotEqual(DeterministicId.For("t1", "crm-1"), DeterministicId.For("t2", "crm-1"));
    }

    [Fact]
    public void Is_a_standard_uuid_v5_of_the_joined_parts_under_the_growthkit_namespace()
    {
        // RFC 4122's own v5 example checks that UUIDNext follows the standard (SHA-1, UTF-8, big-endian).
        Assert.Equal(Guid.Parse("2ed6657d-e927-568b-95e1-2665a8aea6a2"), Uuid.NewNameBased(Uuid.Namespace.DNS, "www.example.com"));
        Assert.Equal(Uuid.NewNameBased(DeterministicId.Namespace, "a\u001fb"), DeterministicId.For("a", "b"));
    }

    [Fact]
    public void Rejects_a_part_holding_the_separator_which_would_make_ids_ambiguous()
    {
        Assert.Throws<ArgumentException>(() => DeterministicId.For("a\u001fb", "c"));
        Assert.Throws<ArgumentException>(() => DeterministicId.For());
    }
}
