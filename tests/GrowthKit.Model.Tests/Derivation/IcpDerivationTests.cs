using System.Text.Json;

namespace GrowthKit.Model.Tests.Derivation;

public class IcpDerivationTests
{
    private const string Logistics = "Transportation and Warehousing";
    private static readonly string[] Dach = ["DE", "AT", "CH"];

    private static (List<Lead> Best, List<Lead> Others) DachLogistics()
    {
        var best = new Customers(7).Many(30, c => c.Next(industry: Logistics, country: c.Pick(Dach)));
        var others = new Customers(8).Many(60, c => c.Next());
        return (best, others);
    }

    private static Criterion Criterion(DerivedIcp derived, string key) =>
        Assert.Single(derived.Definition.Criteria!, c => c.Key == key);

    private static string[] Texts(IReadOnlyList<JsonElement>? values) => [.. values!.Select(v => v.GetString()!)];

    private static void AssertWellFormed(DerivedIcp derived)
    {
        var result = IcpDefinitionValidation.Validate(derived.Definition);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        Assert.Equal(100m, derived.Definition.Criteria!.Sum(c => c.Weight));
        Assert.All(derived.Definition.Criteria!, c => Assert.True(c.Weight > 0 && c.Weight == Math.Floor(c.Weight!.Value)));
        Assert.InRange(derived.Definition.Criteria!.Count, 1, IcpDerivation.MaxTraits);
        Assert.Empty(derived.Definition.Disqualifiers!);

        // The evidence speaks of exactly the proposed criteria, in their order.
        Assert.Equal(derived.Definition.Criteria!.Count, derived.Evidence.Count);
        foreach (var (criterion, evidence) in derived.Definition.Criteria!.Zip(derived.Evidence))
        {
            Assert.Equal((criterion.Key, criterion.Field, criterion.Operator, criterion.Min, criterion.Max),
                (evidence.Key, evidence.Field, evidence.Operator, evidence.Min, evidence.Max));
            Assert.Equal(CanonicalJson.Of(criterion.Values), CanonicalJson.Of(evidence.Values));
            Assert.True(evidence.ShareOfBest >= IcpDerivation.MinShareOfBest);
            Assert.True(evidence.Lift >= IcpDerivation.MinLift);
            Assert.False(string.IsNullOrWhiteSpace(evidence.Why));
        }
        Assert.Equal(derived.Evidence.OrderByDescending(e => e.Lift).Select(e => e.Key), derived.Evidence.Select(e => e.Key));
    }

    [Fact]
    public void Thirty_best_customers_sharing_an_industry_and_a_region_yield_those_two_criteria()
    {
        var (best, others) = DachLogistics();

        var derived = IcpDerivation.Derive(best, others);

        AssertWellFormed(derived);
        var industry = Criterion(derived, "industry");
        Assert.Equal((FieldPaths.CompanyIndustry, Operators.In), (industry.Field, industry.Operator));
        Assert.Equal([Logistics], Texts(industry.Values));

        var region = Criterion(derived, "region");
        Assert.Equal((FieldPaths.CompanyCountry, Operators.In), (region.Field, region.Operator));
        var countries = best.Select(b => b.Company!.Country!).ToHashSet();
        Assert.True(Texts(region.Values).ToHashSet().SetEquals(countries) || Texts(region.Values).ToHashSet().SetEquals(Dach),
            string.Join(", ", Texts(region.Values)));

        // The two shared traits are the sharpest ones, so they lead and weigh most.
        Assert.Equal(["industry", "region"], derived.Definition.Criteria!.Take(2).Select(c => c.Key).Order());
        var evidence = Assert.Single(derived.Evidence, e => e.Key == "industry");
        Assert.Equal((1m, 30, TraitEvidence.Others), (evidence.ShareOfBest, evidence.BestCount, evidence.Baseline));
        var othersInLogistics = others.Count(o => o.Company!.Industry == Logistics);
        Assert.Equal(othersInLogistics, evidence.BaselineCount);
        Assert.Equal(Math.Round(othersInLogistics / 60m, 4), evidence.ShareOfBaseline);
        Assert.Contains("of the other customers", evidence.Why);
    }

    [Fact]
    public void Without_others_compares_with_taxonomy_base_rates()
    {
        var (best, _) = DachLogistics();

        var derived = IcpDerivation.Derive(best, null);

        AssertWellFormed(derived);
        Assert.Equal([Logistics], Texts(Criterion(derived, "industry").Values));
        Assert.Subset(Dach.ToHashSet(), Texts(Criterion(derived, "region").Values).ToHashSet());
        var industry = Assert.Single(derived.Evidence, e => e.Key == "industry");
        Assert.Equal((TraitEvidence.BaseRate, 0.05m, 0), (industry.Baseline, industry.ShareOfBaseline, industry.BaselineCount));
        Assert.Contains("1 of 20 NAICS sectors", industry.Why);
        Assert.All(derived.Evidence, e => Assert.Equal(TraitEvidence.BaseRate, e.Baseline));
    }

    [Fact]
    public void No_others_and_an_empty_list_of_others_are_the_same()
    {
        var (best, _) = DachLogistics();

        Assert.Equal(CanonicalJson.Of(IcpDerivation.Derive(best, null)), CanonicalJson.Of(IcpDerivation.Derive(best, [])));
    }

    [Fact]
    public void Turns_a_shared_headcount_into_a_range_widened_to_size_bands()
    {
        decimal[] headcounts = [60, 75, 90, 120, 150, 180, 220, 260, 310, 380, 420, 450];
        var best = new Customers(11).Many(24, c => c.Next(industry: Logistics, employees: c.Pick(headcounts)));
        var others = new Customers(12).Many(60, c => c.Next());

        var derived = IcpDerivation.Derive(best, others);

        AssertWellFormed(derived);
        var size = Criterion(derived, "size");
        Assert.Equal((FieldPaths.CompanyEmployeeCount, Operators.Between, 51m, 500m), (size.Field, size.Operator, size.Min, size.Max));
        Assert.Null(size.Values);
        var evidence = Assert.Single(derived.Evidence, e => e.Key == "size");
        Assert.Equal(1m, evidence.ShareOfBest);
        Assert.Equal(Math.Round(others.Count(o => o.Company!.EmployeeCount is >= 51 and <= 500) / 60m, 4), evidence.ShareOfBaseline);
    }

    [Fact]
    public void A_size_range_without_others_is_compared_with_the_share_of_size_bands_it_spans()
    {
        var best = new Customers(13).Many(10, c => c.Next(industry: Logistics, employees: c.Pick<decimal>([60, 450])));

        var derived = IcpDerivation.Derive(best, null);

        var size = Assert.Single(derived.Evidence, e => e.Key == "size");
        Assert.Equal((51m, 500m, 0.25m), (size.Min, size.Max, size.ShareOfBaseline));
        Assert.Contains("2 of 8 size bands", size.Why);
    }

    [Fact]
    public void Turns_revenue_into_a_range_of_two_significant_figures()
    {
        decimal[] revenues = [12_345_678, 20_000_000, 25_000_000, 30_000_000, 35_000_000, 40_000_000, 45_000_000, 50_000_000, 87_654_321, 300_000_000];
        var best = revenues.Select((revenue, i) => new Lead($"r{i}", new Company($"R{i}", null, null, null, revenue, null), null, null, null, null)).ToList();

        var derived = IcpDerivation.Derive(best, null);

        AssertWellFormed(derived);
        var revenue = Assert.Single(derived.Evidence, e => e.Key == "revenue");
        Assert.Equal((FieldPaths.CompanyAnnualRevenue, Operators.Between), (revenue.Field, revenue.Operator));
        Assert.Equal((12_000_000m, 88_000_000m), (revenue.Min, revenue.Max));
        Assert.Equal((0.9m, 9, 0.5m), (revenue.ShareOfBest, revenue.BestCount, revenue.ShareOfBaseline));
    }

    [Fact]
    public void Leaves_out_a_trait_only_a_fifth_of_the_best_customers_share()
    {
        var customers = new Customers(21);
        var best = Enumerable.Range(0, 30)
            .Select(i => customers.Next(industry: Logistics, country: customers.Pick(Dach), signals: i < 6 ? ["funding_round"] : []))
            .ToList();
        var others = new Customers(22).Many(60, c => c.Next(signals: []));

        var derived = IcpDerivation.Derive(best, others);

        AssertWellFormed(derived);
        Assert.DoesNotContain(derived.Definition.Criteria!, c => c.Field == FieldPaths.Signals);
        Assert.DoesNotContain(derived.Evidence, e => e.Field == FieldPaths.Signals);
    }

    [Fact]
    public void Names_a_region_when_the_best_customers_spread_over_it()
    {
        string[] eu = ["DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE"];
        var best = Enumerable.Range(0, 24)
            .Select(i => new Lead($"e{i}", new Company($"E{i}", null, Logistics, null, null, eu[i % eu.Length]), null, null, null, null))
            .ToList();

        var derived = IcpDerivation.Derive(best, null);

        AssertWellFormed(derived);
        Assert.Equal(Taxonomy.FindRegion("EU")!.Members, Texts(Criterion(derived, "region").Values));
        var region = Assert.Single(derived.Evidence, e => e.Key == "region");
        Assert.Equal(1m, region.ShareOfBest);
        Assert.Contains("EU (", region.Why);
    }

    [Fact]
    public void Normalises_countries_and_industries_before_counting()
    {
        string[] countries = ["Germany", "Deutschland", "DE", " de ", "DEU"];
        string[] industries = ["logistics", "Transportation & Warehousing", "48-49", "trucking", "warehousing"];
        var best = Enumerable.Range(0, 10)
            .Select(i => new Lead($"n{i}", new Company($"N{i}", null, industries[i % 5], null, null, countries[i % 5]), null, null, null, null))
            .ToList();

        var derived = IcpDerivation.Derive(best, null);

        Assert.Equal([Logistics], Texts(Criterion(derived, "industry").Values));
        Assert.Equal(["DE"], Texts(Criterion(derived, "region").Values));
    }

    [Fact]
    public void Keeps_the_six_sharpest_traits_ranked_and_weighted_by_lift()
    {
        var best = Enumerable.Range(0, 30).Select(i => new Lead(
            $"s{i}",
            new Company($"S{i}", null, Logistics, 120, 25_000_000, "DE"),
            ["funding_round"],
            ["manual_dispatch"],
            new Contact(null, "director", "operations"),
            new Dictionary<string, JsonElement> { ["techStack"] = JsonSerializer.SerializeToElement(new[] { "SAP" }) })).ToList();

        var derived = IcpDerivation.Derive(best, null);

        AssertWellFormed(derived);
        // Lifts: region 1 − 1/249, industry/trigger/pain 1 − 1/20 (tied: field order), department 1 − 1/14,
        // size 1 − 1/8; seniority (1 − 1/7), revenue and the attribute (1 − 0.5) are left out.
        Assert.Equal(["region", "industry", "trigger", "pain", "department", "size"], derived.Definition.Criteria!.Select(c => c.Key));
        Assert.Equal([18m, 17m, 17m, 17m, 16m, 15m], derived.Definition.Criteria!.Select(c => c.Weight!.Value));
        Assert.Equal(["funding_round"], Texts(Criterion(derived, "trigger").Values));
        Assert.Equal(Operators.AnyOf, Criterion(derived, "pain").Operator);
        Assert.Equal((51m, 200m), (Criterion(derived, "size").Min, Criterion(derived, "size").Max));
    }

    [Fact]
    public void Proposes_fewer_than_four_traits_when_fewer_qualify_and_says_so()
    {
        var best = Enumerable.Range(0, 10)
            .Select(i => new Lead($"f{i}", new Company($"F{i}", null, Logistics, null, null, null), null, null, null, null))
            .ToList();

        var derived = IcpDerivation.Derive(best, null);

        AssertWellFormed(derived);
        var only = Assert.Single(derived.Definition.Criteria!);
        Assert.Equal(("industry", 100m), (only.Key, only.Weight));
        Assert.Contains("Only 1 trait qualified", Assert.Single(derived.Evidence).Why);
    }

    [Fact]
    public void Lists_the_most_common_values_until_they_cover_four_fifths_of_the_best_customers()
    {
        // 12 in retail, 8 in wholesale, 6 in manufacturing, 4 in finance: the first three cover 26 of 30.
        string[] industries = [.. Enumerable.Repeat("Retail Trade", 12), .. Enumerable.Repeat("Wholesale Trade", 8),
            .. Enumerable.Repeat("Manufacturing", 6), .. Enumerable.Repeat("Finance and Insurance", 4)];
        var best = industries.Select((industry, i) => new Lead($"m{i}", new Company($"M{i}", null, industry, null, null, null), null, null, null, null)).ToList();

        var derived = IcpDerivation.Derive(best, null);

        Assert.Equal(["Retail Trade", "Wholesale Trade", "Manufacturing"], Texts(Criterion(derived, "industry").Values));
        var evidence = Assert.Single(derived.Evidence, e => e.Key == "industry");
        Assert.Equal((0.8667m, 26, 0.15m), (evidence.ShareOfBest, evidence.BestCount, evidence.ShareOfBaseline));
    }

    [Fact]
    public void Custom_text_attributes_are_candidates_too()
    {
        var best = Enumerable.Range(0, 20).Select(i => new Lead(
            $"a{i}", new Company($"A{i}", null, null, null, null, null), null, null, null,
            new Dictionary<string, JsonElement>
            {
                ["crm"] = JsonSerializer.SerializeToElement(i < 18 ? "HubSpot" : "Pipedrive"),
                ["seats"] = JsonSerializer.SerializeToElement(i),
            })).ToList();
        var others = Enumerable.Range(0, 20).Select(i => new Lead(
            $"o{i}", new Company($"O{i}", null, null, null, null, null), null, null, null,
            new Dictionary<string, JsonElement> { ["crm"] = JsonSerializer.SerializeToElement(i < 4 ? "hubspot" : "Salesforce") })).ToList();

        var derived = IcpDerivation.Derive(best, others);

        AssertWellFormed(derived);
        var crm = Assert.Single(derived.Definition.Criteria!);
        Assert.Equal(("attr-crm", "attributes.crm", Operators.In), (crm.Key, crm.Field, crm.Operator));
        Assert.Equal(["HubSpot"], Texts(crm.Values));
        Assert.Equal((0.9m, 0.2m), (derived.Evidence[0].ShareOfBest, derived.Evidence[0].ShareOfBaseline));
    }

    [Fact]
    public void The_same_customers_give_the_same_proposal_in_any_order()
    {
        var (best, others) = DachLogistics();
        var (sameBest, sameOthers) = DachLogistics();

        var first = CanonicalJson.Of(IcpDerivation.Derive(best, others));

        Assert.Equal(first, CanonicalJson.Of(IcpDerivation.Derive(sameBest, sameOthers)));
        Assert.Equal(first, CanonicalJson.Of(IcpDerivation.Derive(best.AsEnumerable().Reverse().ToList(), others.AsEnumerable().Reverse().ToList())));
    }

    [Fact]
    public void Needs_at_least_one_best_customer()
    {
        Assert.Throws<ArgumentException>(() => IcpDerivation.Derive([], null));
    }
}
