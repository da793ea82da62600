using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowthKit.ServiceDefaults;

/// <summary>A page of a list: <c>{items, nextCursor}</c>, <c>nextCursor</c> null on the last page.</summary>
public sealed record Page<T>(
    IReadOnlyList<T> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

public static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Longer than any cursor a list gives (base64url of a kind, a number and a GUID, about 100 characters).</summary>
    public const int MaxCursorLength = 200;

    /// <summary>The page size to use, or a problem when <paramref name="limit"/> is out of range.</summary>
    public static ProblemHttpResult? CheckLimit(int? limit, out int take)
    {
        take = limit ?? DefaultLimit;
        return take is < 1 or > MaxLimit
            ? ApiDefaults.FieldProblem("limit", $"limit must be between 1 and {MaxLimit}.")
            : null;
    }

    /// <summary>
    /// Builds the page from up to <paramref name="take"/> + 1 fetched rows: the extra row only tells
    /// that another page exists, and the last row shown becomes the cursor.
    /// </summary>
    public static Page<TOut> From<TIn, TOut>(IReadOnlyList<TIn> fetched, int take, Func<TIn, TOut> map,
        Func<TIn, string> cursorOf)
    {
        var shown = fetched.Take(take).ToList();
        return new Page<TOut>(shown.Select(map).ToList(), fetched.Count > take ? cursorOf(shown[^1]) : null);
    }
}
