using System.Text.Json;

namespace GrowthKit.Model.Tests.Derivation;

/// <summary>Seeded random customers: the same seed always gives the same leads.</summary>
internal sealed class Customers(int seed)
{
    private static readonly string[] Countries = ["US", "GB", "FR", "DE", "ES", "IT", "NL", "PL", "SE", "JP", "BR", "CA", "IN", "AU", "AT", "CH"];
    private static readonly string[] TechStacks = ["SAP", "Oracle", "Microsoft Dynamics", "Salesforce", "Odoo", "NetSuite"];

    private readonly Random random = new(seed);
    private int next;

    /// <summary>A customer with every field random; pass a value to pin it (the last parameters replace the random lists).</summary>
    public Lead Next(
        string? industry = null,
        string? country = null,
        decimal? employees = null,
        decimal? revenue = null,
        IReadOnlyList<string>? signals = null,
        IReadOnlyList<string>? painPoints = null)
    {
        var id = $"c-{seed}-{next++}";
        return new Lead(
            id,
            new Company(
                $"Company {id}",
                $"{id}.example",
                industry ?? Pick(Taxonomy.Industries).Value,
                employees ?? (decimal)Math.Round(Math.Exp(random.NextDouble() * Math.Log(20000))),
                revenue ?? random.Next(1, 500) * 1_000_000m,
                country ?? Countries[random.Next(Countries.Length)]),
            signals ?? Some(Taxonomy.BuyingTriggers),
            painPoints ?? Some(Taxonomy.PainPoints),
            new Contact("Someone", Pick(Taxonomy.Seniorities).Value, Pick(Taxonomy.Departments).Value),
            new Dictionary<string, JsonElement>
            {
                ["techStack"] = JsonSerializer.SerializeToElement(new[] { TechStacks[random.Next(TechStacks.Length)] }),
            });
    }

    public List<Lead> Many(int count, Func<Customers, Lead> make) => [.. Enumerable.Range(0, count).Select(_ => make(this))];

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private List<string> Some(IReadOnlyList<TaxonomyTerm> terms) =>
        [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => Pick(terms).Value).Distinct()];
}
