using GrowthKit.Icp.Vocabulary;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Icps;

/// <summary>
/// What every saved draft goes through: validation (400 for missing pieces, 422 for broken rules),
/// then expansion of region groups and the tenant's own groups into concrete values, so that no
/// published version depends on a taxonomy that may change later.
/// </summary>
public static class DefinitionPreparation
{
    public static async Task<(IcpDefinition? Definition, ProblemHttpResult? Problem)> PrepareAsync(
        IQuerySession session, IcpDefinition definition, string fieldPrefix, CancellationToken ct)
    {
        if (Check(definition, fieldPrefix) is { } problem) return (null, problem);

        var vocabulary = await TenantVocabulary.LoadAsync(session, ct);
        IcpDefinition expanded;
        try
        {
            expanded = DefinitionShape.Tidy(DefinitionExpansion.Expand(definition, vocabulary.Groups));
        }
        catch (ExpansionTooLargeException e)
        {
            // Only a vocabulary stored before its limits existed can get here.
            return (null, ApiDefaults.FieldProblem("vocabulary", e.Message, StatusCodes.Status422UnprocessableEntity));
        }
        return Check(expanded, fieldPrefix) is { } expandedProblem ? (null, expandedProblem) : (expanded, null);
    }

    private static ProblemHttpResult? Check(IcpDefinition definition, string fieldPrefix)
    {
        var result = IcpDefinitionValidation.Validate(definition);
        return result.IsValid ? null : result.DefinitionProblem(fieldPrefix);
    }
}
