using System.Security.Claims;
using FluentValidation;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Vocabulary;

public sealed record VocabularyView(
    IReadOnlyList<TaxonomyTerm> Industries,
    IReadOnlyList<TaxonomyTerm> Countries,
    IReadOnlyList<TermGroup> Regions,
    IReadOnlyList<SizeBand> CompanySizes,
    IReadOnlyList<TaxonomyTerm> BuyingTriggers,
    IReadOnlyList<TaxonomyTerm> PainPoints,
    IReadOnlyList<TaxonomyTerm> Seniorities,
    IReadOnlyList<TaxonomyTerm> Departments,
    IReadOnlyList<TermGroup> Groups);

public sealed record VocabularyRequest(
    IReadOnlyList<TaxonomyTerm>? BuyingTriggers, IReadOnlyList<TaxonomyTerm>? PainPoints, IReadOnlyList<TermGroup>? Groups);

public static class VocabularyApi
{
    private static readonly VocabularyRequestValidator Validator = new();

    public static WebApplication MapVocabularyApi(this WebApplication app)
    {
        var group = app.MapGroup("api/taxonomy").WithTags("Taxonomy");
        group.MapGet("/", Get)
            .WithName("GetTaxonomy")
            .WithSummary("The built-in taxonomy (NAICS sectors, ISO countries, regions, size bands, triggers, pains) with the tenant's additions");
        group.MapPut("/", Put)
            .WithName("ExtendTaxonomy")
            .WithSummary("Replace the tenant's own buying triggers, pain points and value groups")
            .WithDescription("Groups are expanded into their members when a draft is saved; published versions never change.")
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<Ok<VocabularyView>> Get(ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession(user.TenantId().ToString());
        var own = await TenantVocabulary.LoadAsync(session, ct);
        return TypedResults.Ok(new VocabularyView(Model.Taxonomy.Industries, Model.Taxonomy.Countries, Model.Taxonomy.Regions,
            Model.Taxonomy.CompanySizes, own.AllBuyingTriggers, own.AllPainPoints, Model.Taxonomy.Seniorities,
            Model.Taxonomy.Departments, own.Groups));
    }

    private static async Task<Results<Ok<VocabularyView>, ProblemHttpResult>> Put(
        VocabularyRequest request, ClaimsPrincipal user, IDocumentStore store, CancellationToken ct)
    {
        var result = Validator.Validate(request);
        if (!result.IsValid) return result.ValidationProblem(StatusCodes.Status400BadRequest);

        await using (var session = store.LightweightSession(user.TenantId().ToString()))
        {
            session.Store(new TenantVocabulary(TenantVocabulary.DocumentId,
                Trimmed(request.BuyingTriggers), Trimmed(request.PainPoints),
                (request.Groups ?? []).Select(g => new TermGroup(g.Field.Trim(), g.Name.Trim(),
                    g.Members.Select(m => m.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList())).ToList()));
            await session.SaveChangesAsync(ct);
        }
        return TypedResults.Ok((await Get(user, store, ct)).Value!);
    }

    private static List<TaxonomyTerm> Trimmed(IReadOnlyList<TaxonomyTerm>? terms) =>
        (terms ?? []).Select(t => new TaxonomyTerm(t.Value.Trim(), t.Label.Trim())).ToList();

    private sealed class VocabularyRequestValidator : AbstractValidator<VocabularyRequest>
    {
        public VocabularyRequestValidator()
        {
            RuleForEach(r => r.BuyingTriggers).ChildRules(Term).OverridePropertyName("buyingTriggers");
            RuleForEach(r => r.PainPoints).ChildRules(Term).OverridePropertyName("painPoints");
            RuleForEach(r => r.Groups).ChildRules(g =>
            {
                g.RuleFor(x => x.Field).Must(FieldPaths.IsKnown).WithMessage("field must be a known lead path.").OverridePropertyName("field");
                g.RuleFor(x => x.Name).NotEmpty().MaximumLength(100).OverridePropertyName("name");
                g.RuleFor(x => x.Members).NotEmpty().OverridePropertyName("members");
                g.RuleForEach(x => x.Members).NotEmpty().MaximumLength(200).OverridePropertyName("members");
            }).OverridePropertyName("groups");
        }

        private static void Term(InlineValidator<TaxonomyTerm> t)
        {
            t.RuleFor(x => x.Value).NotEmpty().MaximumLength(100).OverridePropertyName("value");
            t.RuleFor(x => x.Label).NotEmpty().MaximumLength(200).OverridePropertyName("label");
        }
    }
}
