using System.Text.Json;
using GrowthKit.Refinement.Deals;
using Microsoft.AspNetCore.Http;

namespace GrowthKit.Services.Tests.Refinement;

/// <summary>A deal's rules: types are read by hand (400), bounds and rules are FluentValidation (422), each naming its field.</summary>
public sealed class DealRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static DealRead Check(DealRead deal) => deal with
    {
        Errors = new DealRules(new FixedClock()).Validate(deal).Errors
            .ToDictionary(e => e.PropertyName, e => (StatusCodes.Status422UnprocessableEntity, e.ErrorMessage)),
    };

    private static DealRead Deal(string? dealId = "d-1", string? outcome = "won", decimal? amount = 10m,
        DateTimeOffset? closedAt = null, string? reason = null) =>
        new(0, dealId, null, "crm-1", outcome, amount, closedAt, reason, []);

    [Fact]
    public void A_deal_within_every_bound_passes() => Assert.True(Check(Deal(amount: 1e15m, reason: new string('r', 1000))).IsValid);

    [Theory]
    [InlineData("dealId")]
    [InlineData("reason")]
    public void Texts_hold_at_most_a_thousand_characters(string field)
    {
        var deal = field == "dealId" ? Deal(dealId: new string('d', 1001)) : Deal(reason: new string('r', 1001));
        Assert.Equal([field], Check(deal).Errors.Keys);
    }

    [Fact]
    public void Outcome_amount_and_closing_time_keep_their_rules()
    {
        Assert.Equal(["outcome"], Check(Deal(outcome: "maybe")).Errors.Keys);
        Assert.Equal(["amount"], Check(Deal(amount: -1m)).Errors.Keys);
        Assert.Equal(["amount"], Check(Deal(amount: 2e15m)).Errors.Keys);
        Assert.Equal(["closedAt"], Check(Deal(closedAt: Now.AddDays(2))).Errors.Keys);
        Assert.True(Check(Deal(closedAt: Now.AddHours(12))).IsValid);
    }

    [Fact]
    public void Reading_names_type_errors_400_and_rule_breaks_422()
    {
        var intake = new DealIntake(null!, null!, null!, new FixedClock(), null!);
        var read = intake.Read(3, JsonDocument.Parse("""{"dealId": 7, "externalId": "x", "outcome": "maybe", "amount": -5}""").RootElement);

        Assert.Equal(StatusCodes.Status400BadRequest, read.Errors["dealId"].Status);
        Assert.Equal(StatusCodes.Status422UnprocessableEntity, read.Errors["outcome"].Status);
        Assert.Equal(StatusCodes.Status422UnprocessableEntity, read.Errors["amount"].Status);
    }
}
