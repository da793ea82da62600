using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.Model.Audit;

namespace GrowthKit.Audit;

/// <summary>An audit export as read from its NDJSON lines (see <see cref="ExportLines"/>).</summary>
public sealed record ExportFile(ExportHeader Header, IReadOnlyList<ExportEvent> Events,
    IReadOnlyList<ExportCheckpoint> Checkpoints, IReadOnlyList<ExportCheckpoint> Heads)
{
    public static ExportFile Read(string path)
    {
        using var reader = File.OpenText(path);
        return Read(reader);
    }

    public static ExportFile Read(TextReader reader)
    {
        ExportHeader? header = null;
        var events = new List<ExportEvent>();
        var checkpoints = new List<ExportCheckpoint>();
        var heads = new List<ExportCheckpoint>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0) continue;
            using var document = JsonDocument.Parse(line);
            var kind = document.RootElement.TryGetProperty("kind", out var k) ? k.GetString() : null;
            switch (kind)
            {
                case ExportLines.Header when header is null:
                    header = document.RootElement.Deserialize<ExportHeader>(ModelJson.Options);
                    break;
                case ExportLines.Event:
                    events.Add(document.RootElement.Deserialize<ExportEvent>(ModelJson.Options)!);
                    break;
                case ExportLines.Checkpoint:
                    checkpoints.Add(document.RootElement.Deserialize<ExportCheckpoint>(ModelJson.Options)!);
                    break;
                case ExportLines.Head:
                    heads.Add(document.RootElement.Deserialize<ExportCheckpoint>(ModelJson.Options)!);
                    break;
                default:
                    throw new FormatException($"Line {number}: unexpected kind '{kind}'.");
            }
        }
        return new ExportFile(header ?? throw new FormatException("The export has no header line."), events, checkpoints, heads);
    }
}
