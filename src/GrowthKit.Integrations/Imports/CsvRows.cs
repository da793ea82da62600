using System.Globalization;
using System.Text.Json.Nodes;
using CsvHelper;
using GrowthKit.Model;

namespace GrowthKit.Integrations.Imports;

/// <summary>What an import holds: leads (<c>POST /api/leads/import</c>) or deals (<c>POST /api/deals/import</c>).</summary>
public enum ImportKind
{
    Leads,
    Deals,
}

/// <summary>One data row turned into the public JSON shape; <paramref name="Row"/> is its row in the file (the header is row 1).</summary>
public sealed record CsvItem(int Row, JsonObject Item);

/// <summary>A row that cannot become an item, with an error per column, as a 400 problem names fields.</summary>
public sealed record RowErrors(int Row, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>
/// The rows of an upload: items to send, rows refused already, or a header problem (nothing is imported
/// then) or too many rows.
/// </summary>
public sealed record ParsedCsv(
    IReadOnlyList<CsvItem> Items, IReadOnlyList<RowErrors> Rejected, IReadOnlyDictionary<string, string[]>? HeaderErrors, bool TooManyRows)
{
    public int Rows => Items.Count + Rejected.Count;
}

/// <summary>
/// Turns CSV (RFC 4180, UTF-8, comma separated, a header row of field paths) into the public JSON shape
/// of leads or deals, with CsvHelper. Conventions, also in docs/walkthrough.md (Importing a CSV):
/// an empty cell leaves the field out; <c>signals</c>, <c>painPoints</c> and any column whose path ends
/// in <c>[]</c> (<c>attributes.techStack[]</c>) are lists written <c>;</c>-separated;
/// <c>company.employeeCount</c>, <c>company.annualRevenue</c> and a deal's <c>amount</c> are invariant-culture
/// numbers; every other column is text. Validation beyond shape (a required name, a known lead) is the
/// receiving service's, row by row.
/// </summary>
public static class CsvRows
{
    public const int MaxRows = 100_000;
    public const char ListSeparator = ';';
    public const string ListSuffix = "[]";

    /// <summary>The largest record in bytes: an unclosed quote cannot swallow a 64 MB upload into one field.</summary>
    public const int MaxRecordBytes = 64 * 1024;

    private static readonly HashSet<string> LeadLists = new(StringComparer.Ordinal) { FieldPaths.Signals, FieldPaths.PainPoints };
    private static readonly HashSet<string> LeadNumbers = new(StringComparer.Ordinal)
        { FieldPaths.CompanyEmployeeCount, FieldPaths.CompanyAnnualRevenue };
    private static readonly HashSet<string> DealText = new(StringComparer.Ordinal)
        { "dealId", "leadId", "externalId", "outcome", "closedAt", "reason" };
    private static readonly HashSet<string> DealNumbers = new(StringComparer.Ordinal) { "amount" };

    public static async Task<ParsedCsv> ParseAsync(Stream csv, ImportKind kind, CancellationToken ct, int maxRows = MaxRows)
    {
        var malformed = new Dictionary<long, CsvMalformedReason>();
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            MaxRecordSize = MaxRecordBytes,
            OnMalformedRecord = r => malformed.TryAdd(r.RecordNumber, r.Reason),
        };
        await using var reader = CsvReader.Create(csv, options);
        IReadOnlyList<string> headers;
        try
        {
            await reader.ReadHeaderAsync(ct);
            headers = [.. reader.Headers];
        }
        catch (CsvFormatException e)
        {
            return HeaderProblem("header", $"The header row cannot be read: {e.Message}");
        }
        if (headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace))
        {
            return HeaderProblem("header", "The first row must name the columns (field paths such as externalId,company.name).");
        }
        var columns = new List<Column>(headers.Count);
        var headerErrors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var header in headers)
        {
            var column = Column.Of(header.Trim(), kind);
            if (column is null) headerErrors[header] = [$"'{header}' is not a {(kind == ImportKind.Leads ? "lead" : "deal")} field path."];
            else if (columns.Any(c => c.Path == column.Path)) headerErrors[header] = [$"'{header}' appears twice."];
            else columns.Add(column);
        }
        if (headerErrors.Count > 0) return new ParsedCsv([], [], headerErrors, false);

        var items = new List<CsvItem>();
        var rejected = new List<RowErrors>();
        try
        {
            while (await reader.ReadAsync(ct))
            {
                var row = checked((int)reader.RowNumber + 1);
                if (items.Count + rejected.Count >= maxRows) return new ParsedCsv([], [], null, true);
                if (malformed.Remove(row, out var reason))
                {
                    rejected.Add(new RowErrors(row, new Dictionary<string, string[]> { ["row"] = [Describe(reason)] }));
                    continue;
                }
                if (reader.FieldCount != columns.Count)
                {
                    rejected.Add(new RowErrors(row, new Dictionary<string, string[]>
                    {
                        ["row"] = [$"The row has {reader.FieldCount} fields; the header names {columns.Count}."],
                    }));
                    continue;
                }
                var (item, errors) = ToItem(columns, i => reader.GetString(i));
                if (errors.Count > 0) rejected.Add(new RowErrors(row, errors));
                else items.Add(new CsvItem(row, item));
            }
        }
        catch (CsvFormatException e)
        {
            // Only a record over MaxRecordBytes gets here (malformed quoting is recovered and reported above).
            var row = (int)Math.Max(e.RecordNumber, items.Count + rejected.Count + 2);
            rejected.Add(new RowErrors(row, new Dictionary<string, string[]>
            {
                ["row"] = [$"The file cannot be read from here on (an unclosed quote or a record over {MaxRecordBytes} bytes)."],
            }));
        }
        return new ParsedCsv(items, rejected, null, false);
    }

    private static ParsedCsv HeaderProblem(string field, string message) =>
        new([], [], new Dictionary<string, string[]> { [field] = [message] }, false);

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "A quote inside an unquoted field: quote the whole field and double the quotes in it.",
        CsvMalformedReason.TextAfterClosingQuote => "Text after a closing quote.",
        CsvMalformedReason.UnterminatedQuote => "A quoted field is never closed.",
        CsvMalformedReason.FieldCountMismatch => "The row has a different number of fields than the header.",
        _ => $"Malformed CSV ({reason}).",
    };

    /// <summary>The item of one row, or the errors per column.</summary>
    public static (JsonObject Item, Dictionary<string, string[]> Errors) ToItem(IReadOnlyList<Column> columns, Func<int, string> field)
    {
        var item = new JsonObject();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            var text = field(i).Trim();
            if (text.Length == 0) continue;
            JsonNode? value;
            switch (column.Type)
            {
                case ColumnType.Number:
                    if (!decimal.TryParse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number))
                    {
                        errors[column.Header] = [$"'{text}' is not a number (write it like 1234.5)."];
                        continue;
                    }
                    value = JsonValue.Create(number);
                    break;
                case ColumnType.List:
                    value = new JsonArray([.. text.Split(ListSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .Select(v => (JsonNode?)JsonValue.Create(v))]);
                    break;
                default:
                    value = JsonValue.Create(text);
                    break;
            }
            Set(item, column.Segments, value);
        }
        return (item, errors);
    }

    private static void Set(JsonObject root, IReadOnlyList<string> segments, JsonNode? value)
    {
        var node = root;
        foreach (var segment in segments.Take(segments.Count - 1))
        {
            if (node[segment] is not JsonObject child)
            {
                child = new JsonObject();
                node[segment] = child;
            }
            node = child;
        }
        node[segments[^1]] = value;
    }

    public enum ColumnType
    {
        Text,
        Number,
        List,
    }

    /// <summary>A column of the file: its header as written, the path it fills and how its cells are read.</summary>
    public sealed record Column(string Header, string Path, IReadOnlyList<string> Segments, ColumnType Type)
    {
        public static Column? Of(string header, ImportKind kind)
        {
            var isList = header.EndsWith(ListSuffix, StringComparison.Ordinal);
            var path = isList ? header[..^ListSuffix.Length] : header;
            if (kind == ImportKind.Deals)
            {
                if (isList) return null;
                if (DealNumbers.Contains(path)) return new Column(header, path, [path], ColumnType.Number);
                return DealText.Contains(path) ? new Column(header, path, [path], ColumnType.Text) : null;
            }
            if (!FieldPaths.IsKnown(path)) return null;
            if (FieldPaths.AttributeName(path) is { } attribute)
            {
                return new Column(header, path, ["attributes", attribute], isList ? ColumnType.List : ColumnType.Text);
            }
            var segments = path.Split('.');
            if (LeadLists.Contains(path)) return new Column(header, path, segments, ColumnType.List);
            if (isList) return null;
            return new Column(header, path, segments, LeadNumbers.Contains(path) ? ColumnType.Number : ColumnType.Text);
        }
    }
}
