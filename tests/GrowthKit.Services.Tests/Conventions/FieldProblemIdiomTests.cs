using System.Text.RegularExpressions;
using GrowthKit.Services.Tests.Infrastructure;

namespace GrowthKit.Services.Tests.Conventions;

/// <summary>
/// Issue 17: one way to report field errors. Every problem with an <c>errors</c> map is built by
/// the helpers in GrowthKit.ServiceDefaults/ApiDefaults.cs (FieldProblems, FieldProblem,
/// ValidationProblem, DefinitionProblem); this fails naming any other file that builds one by hand.
/// </summary>
public sealed partial class FieldProblemIdiomTests
{
    private const string TheHelpers = "GrowthKit.ServiceDefaults/ApiDefaults.cs";

    [Fact]
    public void No_file_outside_ApiDefaults_builds_a_validation_problem()
    {
        var files = ProductionSources().ToList();
        Assert.Contains(TheHelpers, files.Select(f => f.Relative));
        Assert.True(files.Count > 100, $"Only {files.Count} source files found under {RepoRoot.Path}: the scan looks in the wrong place.");

        var offenders = files
            .Where(f => f.Relative != TheHelpers)
            .SelectMany(f => Offences(File.ReadAllText(f.Full)).Select(o => $"{f.Relative}:{o.Line}: {o.Text}"))
            .ToList();

        Assert.True(offenders.Count == 0,
            "Report field errors through ApiDefaults.FieldProblems / FieldProblem / ValidationProblem / DefinitionProblem, not by hand:"
            + Environment.NewLine + string.Join(Environment.NewLine, offenders));
    }

    [Theory]
    [InlineData("return TypedResults.ValidationProblem(errors);")]
    [InlineData("return Results.ValidationProblem(errors, statusCode: 422);")]
    [InlineData("var problem = new HttpValidationProblemDetails(errors) { Status = 409 };")]
    [InlineData("ProblemDetails = new Microsoft.AspNetCore.Http.HttpValidationProblemDetails(errors),")]
    [InlineData("return TypedResults . ValidationProblem(errors);")]
    [InlineData("return Microsoft.AspNetCore.Http.Results.ValidationProblem(errors);")]
    public void The_scan_finds_each_hand_built_form(string line) =>
        Assert.Single(Offences("namespace X;\n" + line + "\n"));

    [Theory]
    [InlineData("return ApiDefaults.FieldProblems(errors, StatusCodes.Status422UnprocessableEntity);")]
    [InlineData("if (!result.IsValid) return result.ValidationProblem(StatusCodes.Status400BadRequest);")]
    [InlineData("// once: TypedResults.ValidationProblem(errors)")]
    [InlineData("/// <summary>Not a new HttpValidationProblemDetails.</summary>")]
    [InlineData(".ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)")]
    [InlineData("private static string Describe(ProblemDetails p) => p is HttpValidationProblemDetails v ? \"\" : \"\";")]
    public void The_scan_leaves_the_helpers_their_callers_and_comments_alone(string line) =>
        Assert.Empty(Offences("namespace X;\n" + line + "\n"));

    /// <summary>The product's C# files: src/ and the projects at the root (ServiceDefaults, AppHost, …), never bin/obj.</summary>
    private static IEnumerable<(string Full, string Relative)> ProductionSources()
    {
        var roots = new[] { Path.Combine(RepoRoot.Path, "src") }
            .Concat(Directory.EnumerateDirectories(RepoRoot.Path, "GrowthKit.*"));
        return roots
            .SelectMany(root => Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
            .Select(full => (Full: full, Relative: Path.GetRelativePath(RepoRoot.Path, full).Replace('\\', '/')))
            .Where(f => !f.Relative.Split('/').Any(part => part is "bin" or "obj"))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
    }

    private static IEnumerable<(int Line, string Text)> Offences(string source)
    {
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var code = WithoutComment(lines[i]);
            if (HandBuilt().IsMatch(code)) yield return (i + 1, lines[i].Trim());
        }
    }

    /// <summary>The line up to a <c>//</c> comment (good enough here: no forbidden form sits inside a string).</summary>
    private static string WithoutComment(string line)
    {
        var at = line.IndexOf("//", StringComparison.Ordinal);
        return at < 0 ? line : line[..at];
    }

    /// <summary>
    /// <c>TypedResults.ValidationProblem(…)</c>, <c>Results.ValidationProblem(…)</c> (their own 400 title
    /// and result type) or a hand-made <c>new HttpValidationProblemDetails</c>.
    /// </summary>
    [GeneratedRegex(@"(?<![\w.])(\w+\.)*(Typed)?Results\s*\.\s*ValidationProblem\s*\(|\bnew\s+([\w.]+\.)?HttpValidationProblemDetails\b")]
    private static partial Regex HandBuilt();
}
