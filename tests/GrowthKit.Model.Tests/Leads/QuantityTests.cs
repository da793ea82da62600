namespace GrowthKit.Model.Tests.Leads;

/// <summary>
/// One rule for counts and amounts written as text, whether a lead's field (one number) or a workshop
/// answer (a range's bounds) reads them: "10-20M" is 10M to 20M in both.
/// </summary>
public class QuantityTests
{
    [Theory]
    [InlineData("51-200", 51, 200)]
    [InlineData("10-20M", 10_000_000, 20_000_000)]
    [InlineData("1k to 5k", 1_000, 5_000)]
    [InlineData("1M–10M", 1_000_000, 10_000_000)]
    [InlineData("2.5k - 1mm", 2_500, 1_000_000)]
    public void A_range_reads_as_its_bounds(string text, long low, long high)
    {
        Assert.True(Quantity.TryParseRange(text, out var min, out var max));
        Assert.Equal(low, min);
        Assert.Equal(high, max);
        // The lead's one number is the midpoint of the same bounds.
        Assert.True(Quantity.TryParse(text, out var value));
        Assert.Equal(decimal.Floor(min / 2 + max!.Value / 2), value);
    }

    [Fact]
    public void An_open_range_has_no_upper_bound()
    {
        Assert.True(Quantity.TryParseRange("10,000+", out var min, out var max));
        Assert.Equal(10_000, min);
        Assert.Null(max);
    }

    [Theory]
    [InlineData("120")]
    [InlineData("2.5M")]
    [InlineData("")]
    [InlineData("many")]
    [InlineData("200-51")]
    public void Anything_but_a_range_is_no_range(string text) =>
        Assert.False(Quantity.TryParseRange(text, out _, out _));

    [Theory]
    [InlineData("1,000", 1_000)]
    [InlineData("2.5k", 2_500)]
    [InlineData("10M", 10_000_000)]
    [InlineData("3bn", 3_000_000_000)]
    public void An_amount_is_one_number(string text, long expected)
    {
        Assert.True(Quantity.TryParseAmount(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("10-20M")]
    [InlineData("500+")]
    [InlineData("ten")]
    [InlineData("-5")]
    public void A_range_or_a_word_is_no_amount(string text) =>
        Assert.False(Quantity.TryParseAmount(text, out _));
}
