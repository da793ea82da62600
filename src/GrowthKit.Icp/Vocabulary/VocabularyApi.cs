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
        if (Reach(request.Groups ?? []) is { } tooFar) return tooFar;

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

    /// <summary>Groups may name groups, but not without end: depth and expanded size are bounded (422).</summary>
    private static ProblemHttpResult? Reach(IReadOnlyList<TermGroup> groups)
    {
        var errors = new Dictionary<string, string[]>();
        var reaches = DefinitionExpansion.Measure(groups);
        for (var i = 0; i < reaches.Count; i++)
        {
            var reach = reaches[i];
            if (reach.Cyclic)
                errors[$"groups[{i}]"] = [$"Group '{reach.Group.Name}' names itself through other groups."];
            else if (reach.Depth > Limits.GroupDepth)
                errors[$"groups[{i}]"] = [$"Group '{reach.Group.Name}' nests {reach.Depth} levels deep; at most {Limits.GroupDepth} are allowed."];
            else if (reach.Values > Limits.ExpandedValues)
                errors[$"groups[{i}]"] = [$"Group '{reach.Group.Name}' expands to more than {Limits.ExpandedValues} values."];
        }
        return errors.Count == 0 ? null : ApiDefaults.FieldProblems(errors, StatusCodes.Status422UnprocessableEntity);
    }

    private static List<TaxonomyTerm> Trimmed(IReadOnlyList<TaxonomyTerm>? terms) =>
        (terms ?? []).Select(t => new TaxonomyTerm(t.Value.Trim(), t.Label.Trim())).ToList();

    private sealed class VocabularyRequestValidator : AbstractValidator<VocabularyRequest>
    {
        public VocabularyRequestValidator()
        {
            RuleFor(r => r.BuyingTriggers).MaxItems(Limits.VocabularyGroups).OverridePropertyName("buyingTriggers");
            RuleForEach(r => r.BuyingTriggers).NotNull().SetValidator(new TermValidator()).OverridePropertyName("buyingTriggers");
            RuleFor(r => r.PainPoints).MaxItems(Limits.VocabularyGroups).OverridePropertyName("painPoints");
            RuleForEach(r => r.PainPoints).NotNull().SetValidator(new TermValidator()).OverridePropertyName("painPoints");
            RuleFor(r => r.Groups).MaxItems(Limits.VocabularyGroups).OverridePropertyName("groups");
            RuleFor(r => r.Groups).Must(UniqueNames)
                .WithMessage("Two groups of one field must not share a name (compared case-insensitively).")
                .OverridePropertyName("groups");
            RuleForEach(r => r.Groups).NotNull().SetValidator(new GroupValidator()).OverridePropertyName("groups");
        }

        private static bool UniqueNames(IReadOnlyList<TermGroup>? groups) =>
            groups is null || groups.Where(g => g?.Name is not null && g.Field is not null)
                .GroupBy(g => (g.Field, Name: g.Name.Trim().ToUpperInvariant()))
                .All(same => same.Count() == 1);

    }

    // Validator classes (not ChildRules) so the OpenAPI document can read their bounds.
    private sealed class TermValidator : AbstractValidator<TaxonomyTerm>
    {
        public TermValidator()
        {
            RuleFor(x => x.Value).NotEmpty().BoundedText(Limits.KeyLength).OverridePropertyName("value");
            RuleFor(x => x.Label).NotEmpty().BoundedText(Limits.NameLength).OverridePropertyName("label");
        }
    }

    private sealed class GroupValidator : AbstractValidator<TermGroup>
    {
        public GroupValidator()
        {
            RuleFor(x => x.Field).Must(FieldPaths.IsKnown).WithMessage("field must be a known lead path.").OverridePropertyName("field");
            RuleFor(x => x.Field).BoundedText(Limits.FieldPathLength).OverridePropertyName("field");
            RuleFor(x => x.Name).NotEmpty().BoundedText(Limits.KeyLength).OverridePropertyName("name");
            RuleFor(x => x.Members).NotEmpty().MaxItems(Limits.GroupMembers).OverridePropertyName("members");
            RuleForEach(x => x.Members).NotEmpty().BoundedText(Limits.NameLength).OverridePropertyName("members");
        }
    }
}
