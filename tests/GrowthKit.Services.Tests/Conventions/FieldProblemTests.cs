using FluentValidation.Results;
using GrowthKit.Model;
using GrowthKit.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.Services.Tests.Conventions;

/// <summary>The helpers every service reports field errors with (ApiDefaults): status, title, detail and the errors map.</summary>
public sealed class FieldProblemTests
{
    [Theory]
    [InlineData(StatusCodes.Status400BadRequest, "The request is invalid.")]
    [InlineData(StatusCodes.Status422UnprocessableEntity, "The request breaks a rule.")]
    [InlineData(StatusCodes.Status415UnsupportedMediaType, "The request is invalid.")]
    public void A_field_problem_without_a_title_gets_the_one_its_status_implies(int status, string title)
    {
        var problem = Validation(ApiDefaults.FieldProblem("limit", "limit must be between 1 and 200.", status), status);

        Assert.Equal(title, problem.Title);
        Assert.Null(problem.Detail);
        Assert.Equal(["limit must be between 1 and 200."], Assert.Single(problem.Errors, e => e.Key == "limit").Value);
        Assert.Single(problem.Errors);
    }

    [Fact]
    public void A_field_problem_keeps_its_title_detail_and_every_field_in_order()
    {
        var errors = new Dictionary<string, string[]>
        {
            ["leadId"] = ["No lead with this id was received."],
            ["amount"] = ["'amount' must be positive.", "'amount' must be at most 1e15."],
        };

        var problem = Validation(ApiDefaults.FieldProblems(errors, StatusCodes.Status404NotFound,
            "The deal's lead was never sent.", "Push the lead first."), StatusCodes.Status404NotFound);

        Assert.Equal("The deal's lead was never sent.", problem.Title);
        Assert.Equal("Push the lead first.", problem.Detail);
        Assert.Equal(["leadId", "amount"], problem.Errors.Keys);
        Assert.Equal(errors["amount"], problem.Errors["amount"]);
    }

    [Fact]
    public void A_fluent_validation_verdict_names_each_property_with_all_its_messages()
    {
        var verdict = new ValidationResult(
        [
            new ValidationFailure("name", "'name' must not be empty."),
            new ValidationFailure("scopes[1]", "Unknown scope 'x'."),
            new ValidationFailure("name", "'name' must be at most 200 characters."),
        ]);

        var problem = Validation(verdict.ValidationProblem(StatusCodes.Status422UnprocessableEntity), StatusCodes.Status422UnprocessableEntity);

        Assert.Equal("The request breaks a rule.", problem.Title);
        Assert.Equal(["'name' must not be empty.", "'name' must be at most 200 characters."], problem.Errors["name"]);
        Assert.Equal(["Unknown scope 'x'."], problem.Errors["scopes[1]"]);
    }

    [Theory]
    [InlineData(DefinitionValidity.Malformed, StatusCodes.Status400BadRequest, "The definition is incomplete.")]
    [InlineData(DefinitionValidity.BreaksRules, StatusCodes.Status422UnprocessableEntity, "The definition breaks a rule.")]
    public void A_definition_verdict_answers_400_or_422_with_fields_under_the_prefix(DefinitionValidity validity, int status, string title)
    {
        var verdict = new IcpDefinitionValidationResult(validity, new Dictionary<string, string[]>
        {
            ["criteria[0].weight"] = ["'weight' must be between -1000 and 1000."],
        });

        var nested = Validation(verdict.DefinitionProblem("definition"), status);
        var atRoot = Validation(verdict.DefinitionProblem(), status);

        Assert.Equal(title, nested.Title);
        Assert.Equal(["definition.criteria[0].weight"], nested.Errors.Keys);
        Assert.Equal(["criteria[0].weight"], atRoot.Errors.Keys);
        Assert.Equal(["'weight' must be between -1000 and 1000."], atRoot.Errors["criteria[0].weight"]);
    }

    [Fact]
    public void The_validator_s_own_verdict_on_a_definition_without_criteria_is_a_400_naming_criteria()
    {
        var verdict = IcpDefinitionValidation.Validate(new IcpDefinition("No criteria", null, null, null, null, null));

        var problem = Validation(verdict.DefinitionProblem("definition"), StatusCodes.Status400BadRequest);

        Assert.Contains("definition.criteria", problem.Errors.Keys);
    }

    private static HttpValidationProblemDetails Validation(ProblemHttpResult result, int status)
    {
        Assert.Equal(status, result.StatusCode);
        Assert.Equal(status, result.ProblemDetails.Status);
        return Assert.IsType<HttpValidationProblemDetails>(result.ProblemDetails);
    }
}
