using System.Text.Json.Nodes;
using GrowthKit.Model.Audit;

namespace GrowthKit.Audit.Tests;

/// <summary>The auditor's tool on an export built like the system's, then changed the ways an insider might.</summary>
public sealed class AuditToolTests : IDisposable
{
    private readonly SyntheticExport _export = new();
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var file in _files) File.Delete(file);
        _export.Key.Dispose();
    }

    private string File_(IEnumerable<string>? lines = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"audit-tool-{Guid.NewGuid():N}.ndjson");
        File.WriteAllLines(path, lines ?? _export.Lines);
        _files.Add(path);
        return path;
    }

    private static (int Code, string Output) Run(params string[] args)
    {
        var output = new StringWriter();
        var code = AuditTool.Run(args, output, output);
        return (code, output.ToString());
    }

    private List<string> Changed(Func<string, bool> which, Action<JsonNode> change)
    {
        var lines = _export.Lines.ToList();
        var index = lines.FindIndex(l => which(l));
        var node = JsonNode.Parse(lines[index])!;
        change(node);
        lines[index] = node.ToJsonString();
        return lines;
    }

    [Fact]
    public void An_untouched_export_verifies_with_a_pinned_key()
    {
        var key = AuditKey.PublicKey(_export.Key);
        var (code, output) = Run("verify", File_(), "--public-key", key);
        Assert.True(code == AuditTool.Pass, output);
        Assert.Contains("OK: 9 events, 1 checkpoints and 2 heads", output);
    }

    [Fact]
    public void A_changed_event_fails_verification_at_that_event()
    {
        var lines = Changed(l => l.Contains("\"CriterionChanged.v1\""), n => n["data"]!["reason"] = "nobody asked");
        var (code, output) = Run("verify", File_(lines));
        Assert.Equal(AuditTool.Fail, code);
        Assert.Contains("icp position 3", output);
        Assert.Contains("does not match its hash", output);
    }

    [Fact]
    public void A_removed_line_fails_verification()
    {
        var lines = _export.Lines.Where(l => !l.Contains("\"CriterionChanged.v1\"")).ToList();
        var (code, output) = Run("verify", File_(lines));
        Assert.Equal(AuditTool.Fail, code);
        Assert.Contains("icp position 4", output);
    }

    [Fact]
    public void Reordered_lines_fail_verification()
    {
        var lines = _export.Lines.ToList();
        var a = lines.FindIndex(l => l.Contains("\"CriterionChanged.v1\""));
        (lines[a], lines[a + 1]) = (lines[a + 1], lines[a]);
        Assert.Equal(AuditTool.Fail, Run("verify", File_(lines)).Code);
    }

    [Fact]
    public void A_rehashed_chain_fails_against_its_signed_head()
    {
        // Rewriting the last event and its hash consistently still leaves the signed head behind.
        var lines = Changed(l => l.Contains("\"IcpPublished.v1\"") && l.Contains("second release"), n =>
        {
            n["why"] = "forged";
            n["data"]!["reason"] = "forged";
            var e = System.Text.Json.JsonSerializer.Deserialize<ExportEvent>(n.ToJsonString(), GrowthKit.Model.ModelJson.Options)!;
            n["hash"] = e.Link().Hash();
        });
        var (code, output) = Run("verify", File_(lines));
        Assert.Equal(AuditTool.Fail, code);
        Assert.Contains("icp head", output);
    }

    [Fact]
    public void A_head_signed_by_another_key_fails_and_so_does_a_key_that_is_not_the_pinned_one()
    {
        var lines = Changed(l => l.Contains("\"kind\":\"head\""), n => n["position"] = 5);
        Assert.Equal(AuditTool.Fail, Run("verify", File_(lines)).Code);

        using var other = AuditKey.FromSecret("someone else");
        var (code, output) = Run("verify", File_(), "--public-key", AuditKey.PublicKey(other));
        Assert.Equal(AuditTool.Fail, code);
        Assert.Contains("pinned", output);
    }

    [Fact]
    public void Every_score_is_recomputed_and_a_changed_one_is_named()
    {
        var (code, output) = Run("scores", File_());
        Assert.True(code == AuditTool.Pass, output);
        Assert.Contains("all 4 scores", output);

        var lines = Changed(l => l.Contains("\"leads_scored\""), n => n["data"]!["scores"]![0]!["tier"] = "D");
        (code, output) = Run("scores", File_(lines));
        Assert.Equal(AuditTool.Fail, code);
        Assert.Contains("MISMATCH lead 11111111-1111-4111-8111-111111111111", output);
        Assert.Contains("tier", output);
    }

    [Fact]
    public void The_icp_as_of_an_instant_is_the_version_then_in_force()
    {
        var file = File_();
        var beforeEdit = IcpReplay.At(ExportFile.Read(file), SyntheticExport.IcpId, SyntheticExport.Start.AddHours(2.5))!;
        Assert.Equal((2L, 1), (beforeEdit.Revision, beforeEdit.Published!.Version));
        Assert.Equal(25m, beforeEdit.Draft.Criteria![1].Weight);

        var latest = IcpReplay.At(ExportFile.Read(file), SyntheticExport.IcpId, SyntheticExport.Start.AddYears(1))!;
        Assert.Equal((4L, 2, 40m), (latest.Revision, latest.Published!.Version, latest.Published.Definition.Criteria![1].Weight));

        Assert.Equal(AuditTool.Pass, Run("icp", file, "--icp", SyntheticExport.IcpId.ToString(), "--as-of", "2026-04-01T11:30:00Z").Code);
        Assert.Equal(AuditTool.Fail, Run("icp", file, "--icp", SyntheticExport.IcpId.ToString(), "--as-of", "2026-03-01T00:00:00Z").Code);
    }

    [Theory]
    [InlineData]
    [InlineData("verify")]
    [InlineData("replay", "x.ndjson")]
    [InlineData("verify", "{file}", "--colour", "red")]
    [InlineData("icp", "{file}", "--icp", "not-a-guid", "--as-of", "2026-05-01T00:00:00Z")]
    [InlineData("icp", "{file}", "--icp", "7d3e0c2a-1b4f-4e6a-9c8d-2a1b3c4d5e6f")]
    [InlineData("scores", "{file}", "--fast")]
    [InlineData("verify", "/nonexistent/export.ndjson")]
    public void A_wrong_command_line_or_unreadable_file_is_a_usage_error(params string[] args)
    {
        var file = File_();
        Assert.Equal(AuditTool.Usage, Run([.. args.Select(a => a.Replace("{file}", file))]).Code);
    }

    [Fact]
    public void A_file_that_is_not_an_export_is_a_usage_error()
    {
        Assert.Equal(AuditTool.Usage, Run("verify", File_(["{\"kind\":\"event\"}"])).Code);
        Assert.Equal(AuditTool.Usage, Run("verify", File_(["not json"])).Code);
    }
}
