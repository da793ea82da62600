using System.Text;
using System.Text.Json.Nodes;
using GrowthKit.Integrations.Imports;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>The CSV conventions of imports, without a server.</summary>
public sealed class CsvRowsTests
{
    private static Task<ParsedCsv> Parse(string csv, ImportKind kind = ImportKind.Leads, int maxRows = CsvRows.MaxRows) =>
        CsvRows.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), kind, default, maxRows);

    [Fact]
    public async Task Rows_become_the_public_lead_shape_with_lists_numbers_and_attributes()
    {
        var parsed = await Parse("""
            externalId,company.name,company.employeeCount,company.annualRevenue,signals,attributes.techStack[],attributes.plan,contact.department
            crm-1,"Acme, Inc.",120,2.5e6,funding_round; hiring ,SAP;Oracle,gold,operations
            crm-2,Beta,,,,,,
            """);
        Assert.Null(parsed.HeaderErrors);
        Assert.Empty(parsed.Rejected);
        Assert.Equal([2, 3], parsed.Items.Select(i => i.Row));
        var expected = JsonNode.Parse("""
            {"externalId":"crm-1","company":{"name":"Acme, Inc.","employeeCount":120,"annualRevenue":2500000},
             "signals":["funding_round","hiring"],"attributes":{"techStack":["SAP","Oracle"],"plan":"gold"},
             "contact":{"department":"operations"}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, parsed.Items[0].Item), parsed.Items[0].Item.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"externalId":"crm-2","company":{"name":"Beta"}}"""), parsed.Items[1].Item));
    }

    [Fact]
    public async Task Bad_rows_get_errors_by_their_row_in_the_file_and_good_rows_still_count()
    {
        var parsed = await Parse("externalId,company.name,company.employeeCount\n"
                                 + "ok-1,Acme,10\n"
                                 + "bad-number,Acme,many\n"
                                 + "bad\"quote,Acme,10\n"
                                 + "too,few\n"
                                 + "ok-2,\"Multi\nline\",5\n"
                                 + "ok-3,Gamma,7\n");
        Assert.Equal(["ok-1", "ok-2", "ok-3"], parsed.Items.Select(i => i.Item["externalId"]!.GetValue<string>()));
        Assert.Equal([2, 6, 7], parsed.Items.Select(i => i.Row));
        Assert.Equal([3, 4, 5], parsed.Rejected.Select(r => r.Row));
        Assert.Contains("company.employeeCount", parsed.Rejected[0].Errors.Keys);
        Assert.Contains("row", parsed.Rejected[1].Errors.Keys);
        Assert.Contains("2 fields", parsed.Rejected[2].Errors["row"][0]);
        Assert.Equal(6, parsed.Rows);
    }

    [Fact]
    public async Task Unknown_and_repeated_columns_are_header_errors()
    {
        var parsed = await Parse("externalId,company.nmae,externalId\nx,y,z\n");
        Assert.Equal(["company.nmae", "externalId"], parsed.HeaderErrors!.Keys.Order());
        Assert.Empty(parsed.Items);
        Assert.NotNull((await Parse("")).HeaderErrors);
        Assert.NotNull((await Parse("dealId,outcome,signals\n", ImportKind.Deals)).HeaderErrors);
    }

    [Fact]
    public async Task Deals_read_amount_as_a_number_and_the_rest_as_text()
    {
        var parsed = await Parse("dealId,externalId,outcome,amount,closedAt\nd-1,crm-1,won,1200.50,2026-01-02T00:00:00Z\nd-2,crm-2,lost,twelve,\n",
            ImportKind.Deals);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"dealId":"d-1","externalId":"crm-1","outcome":"won","amount":1200.50,"closedAt":"2026-01-02T00:00:00Z"}
            """), parsed.Items[0].Item));
        var rejected = Assert.Single(parsed.Rejected);
        Assert.Equal(3, rejected.Row);
        Assert.Equal(["amount"], rejected.Errors.Keys);
    }

    [Fact]
    public async Task More_rows_than_allowed_is_refused_as_a_whole()
    {
        var csv = "externalId,company.name\n" + string.Concat(Enumerable.Range(0, 11).Select(i => $"x-{i},n\n"));
        Assert.True((await Parse(csv, maxRows: 10)).TooManyRows);
        Assert.False((await Parse(csv, maxRows: 11)).TooManyRows);
    }
}
