namespace GrowthKit.Model.Tests.Scoring;

/// <summary>Whole scores: API.md's example, the formula's edges, rounding, tiers and disqualifiers.</summary>
public static class ScoreCases
{
    private const string TooSmall = """[{"key": "too-small", "field": "company.employeeCount", "operator": "lt", "value": 10, "reason": "Too small"}]""";

    private static readonly ScoreCase[] Cases =
    [
        new("API example: industry, size and trigger score 72.7, tier B",
            Examples.Definition, Examples.IndustrySizeTriggerLead, 72.7m, "B"),
        new("API example: the same lead in a sales department scores 63.6, tier B",
            Examples.Definition, Examples.IndustrySizeTriggerSalesLead, 63.6m, "B"),
        new("API example: the example lead matches every positive criterion and scores 100, tier A",
            Examples.Definition, Examples.Lead, 100m, "A"),

        // negative weights
        Weighted.Case("an unmatched negative criterion lifts the floor to N / (P + N)", [30, -10], [], "25", "C"),
        Weighted.Case("matching only the negative criterion scores 0", [30, -10], [1], "0", "D"),
        Weighted.Case("matching every positive and no negative criterion scores 100", [30, 20, -10], [0, 1], "100", "A"),
        Weighted.Case("a matched negative criterion takes its weight off", [30, 20, -10], [0, 1, 2], "83.3", "A"),

        // rounding: one decimal, midpoint away from zero (banker's rounding would give 6.2 and 0.0)
        Weighted.Case("1 of 16 is 6.25 and rounds up to 6.3", [1, 15], [0], "6.3", "D"),
        Weighted.Case("3 of 16 is 18.75 and rounds up to 18.8", [3, 13], [0], "18.8", "D"),
        Weighted.Case("1 of 2000 is 0.05 and rounds up to 0.1", [1, 1999], [0], "0.1", "D"),
        Weighted.Case("a matched negative weight landing on 6.25 rounds up to 6.3", [1, 14, -1], [0, 2], "6.3", "D"),
        Weighted.Case("an unmatched negative weight landing on 6.25 rounds up to 6.3", [15, -1], [], "6.3", "D"),
        Weighted.Case("1 of 3 is 33.33… and rounds down to 33.3", [1, 2], [0], "33.3", "C"),
        Weighted.Case("2 of 3 is 66.66… and rounds up to 66.7", [2, 1], [0], "66.7", "B"),
        Weighted.Case("fractional weights keep decimal precision", [0.1m, 0.2m], [0], "33.3", "C"),

        // tier boundaries (a threshold is reached by ≥)
        Weighted.Case("exactly 75 is tier A", [75, 25], [0], "75", "A"),
        Weighted.Case("74.9 is tier B", [749, 251], [0], "74.9", "B"),
        Weighted.Case("exactly 50 is tier B", [50, 50], [0], "50", "B"),
        Weighted.Case("49.9 is tier C", [499, 501], [0], "49.9", "C"),
        Weighted.Case("exactly 25 is tier C", [25, 75], [0], "25", "C"),
        Weighted.Case("24.9 is tier D", [249, 751], [0], "24.9", "D"),
        Weighted.Case("matching nothing is tier D", [1], [], "0", "D"),
        Weighted.Case("a custom A of 60 is reached by 60", [60, 40], [0], "60", "A", """{"A": 60, "B": 40, "C": 20}"""),
        Weighted.Case("a custom C of 20 is missed by 19.9", [199, 801], [0], "19.9", "D", """{"A": 60, "B": 40, "C": 20}"""),
        Weighted.Case("absent custom thresholds keep their defaults", [75, 25], [0], "75", "B", """{"A": 90}"""),
        Weighted.Case("lower-case tier names are read too", [60, 40], [0], "60", "A", """{"a": 60, "b": 40, "c": 20}"""),

        // disqualifiers
        new("a matching disqualifier scores 0 with tier disqualified",
            Weighted.Definition([10], disqualifiers: """[{"key": "dq", "field": "attributes.c0", "operator": "exists", "reason": "r"}]"""),
            Weighted.Lead(0), 0m, "disqualified", "dq"),
        new("the first matching disqualifier in declaration order is named",
            Weighted.Definition([10], disqualifiers: """
                [{"key": "never", "field": "attributes.c9", "operator": "exists", "reason": "r0"},
                 {"key": "first", "field": "attributes.c0", "operator": "exists", "reason": "r1"},
                 {"key": "second", "field": "externalId", "operator": "exists", "reason": "r2"}]
                """),
            Weighted.Lead(0), 0m, "disqualified", "first"),
        new("API example: a company of 5 employees is disqualified as too small",
            Examples.Definition,
            """{"externalId": "x", "company": {"name": "A", "industry": "Wholesale Trade", "employeeCount": 5, "country": "DE"}}""",
            0m, "disqualified", "too-small"),
        new("a disqualifier on a missing field does not disqualify",
            Weighted.Definition([10], disqualifiers: TooSmall), Weighted.Lead(0), 100m, "A"),
        new("a disqualifier that does not match leaves the score alone",
            Weighted.Definition([10, 10], disqualifiers: TooSmall),
            """{"externalId": "x", "company": {"name": "A", "employeeCount": 10}, "attributes": {"c0": "yes"}}""", 50m, "B"),
    ];

    public static IReadOnlyDictionary<string, ScoreCase> ByName { get; } = Cases.ToDictionary(c => c.Name);

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var c in Cases)
            names.Add(c.Name);
        return names;
    }
}
