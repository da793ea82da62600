using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Icp.Icps;

/// <summary>Missing pieces are a 400; a well-formed definition that breaks a rule is a 422.</summary>
public static class DefinitionProblems
{
    public static ProblemHttpResult? Check(IcpDefinition definition)
    {
        var result = IcpDefinitionValidation.Validate(definition);
        if (result.IsValid) return null;
        var status = result.Validity == DefinitionValidity.Malformed
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status422UnprocessableEntity;
        return ApiDefaults.FieldProblems(result.Errors.ToDictionary(), status,
            status == StatusCodes.Status400BadRequest ? "The definition is incomplete." : "The definition breaks a rule.");
    }
}
