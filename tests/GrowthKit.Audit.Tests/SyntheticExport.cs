using System.Security.Cryptography;
using System.Text.Json;
using GrowthKit.Icp.Icps;
using GrowthKit.Model;
using GrowthKit.Model.Audit;

namespace GrowthKit.Audit.Tests;

/// <summary>
/// An export as the system writes it, built with the same Model code: an ICP drafted, published,
/// edited and published again; two leads scored against both versions; checkpoints and heads signed.
/// </summary>
internal sealed class SyntheticExport
{
    public const string Tenant = "3f1d2c4b-0000-4000-8000-000000000001";
    public static readonly Guid IcpId = Guid.Parse("7d3e0c2a-1b4f-4e6a-9c8d-2a1b3c4d5e6f");
    public static readonly DateTimeOffset Start = new(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);

    public ECDsa Key { get; } = AuditKey.FromSecret("synthetic platform secret");
    public List<string> Lines { get; } = [];

    public static IcpDefinition V1 => JsonSerializer.Deserialize<IcpDefinition>("""
        {"name": "Logistics", "criteria": [
          {"key": "industry", "field": "company.industry", "operator": "in", "values": ["Wholesale Trade"], "weight": 30},
          {"key": "size", "field": "company.employeeCount", "operator": "between", "min": 50, "max": 500, "weight": 25},
          {"key": "sales-led", "field": "contact.department", "operator": "in", "values": ["sales"], "weight": -10}],
         "disqualifiers": [{"key": "too-small", "field": "company.employeeCount", "operator": "lt", "value": 10, "reason": "Too small"}],
         "tiers": {"A": 75, "B": 50, "C": 25}}
        """, ModelJson.Options)!;

    public static Criterion SizeV2 => V1.Criteria![1] with { Weight = 40 };

    public static IcpDefinition V2 => V1 with { Criteria = [V1.Criteria![0], SizeV2, V1.Criteria![2]] };

    public SyntheticExport()
    {
        var key = AuditKey.PublicKey(Key);
        Lines.Add(Json(new ExportHeader(ExportLines.Header, Tenant, ChainLink.FormatTimestamp(Start.AddDays(30)), null, null,
            ScoringModel.ModelVersion, key, AuditKey.KeyId(key), ["icp", "scoring"])));

        var icp = new Chain(this, "icp");
        icp.Add(IcpId, 1, "IcpDrafted.v2", new IcpDrafted(IcpId, V1, "alice", "kick-off", Start));
        icp.Add(IcpId, 2, "IcpPublished.v1", new IcpPublished(IcpId, 1, V1, "alice", "first release", Start.AddDays(1)));
        icp.Add(IcpId, 3, "CriterionChanged.v1", new CriterionChanged(IcpId, "size", SizeV2, "bob", "size matters more", Start.AddDays(10)));
        icp.Add(IcpId, 4, "IcpPublished.v1", new IcpPublished(IcpId, 2, V2, "bob", "second release", Start.AddDays(11)));
        icp.Checkpoint(2);
        icp.Head();

        var scoring = new Chain(this, "scoring");
        var leads = new[]
        {
            (Id: Guid.Parse("11111111-1111-4111-8111-111111111111"), Lead: Lead("Wholesale Trade", 120, "operations")),
            (Id: Guid.Parse("22222222-2222-4222-8222-222222222222"), Lead: Lead("Retail Trade", 5, "sales")),
        };
        scoring.Add(IcpId, 1, "icp_version_recorded", new { icpId = IcpId, version = 1, definition = V1, publishedBy = "alice" });
        var batch = Guid.NewGuid();
        scoring.Add(batch, 1, "lead_snapshots_recorded", new
        {
            batchId = batch,
            snapshots = leads.Select(l => new { leadId = l.Id, externalId = l.Id.ToString(), snapshot = 1, lead = l.Lead, raw = l.Lead }),
        });
        scoring.Add(batch, 2, "leads_scored", new { batchId = batch, scores = leads.Select(l => Score(l.Id, l.Lead, 1, V1)) });
        scoring.Add(IcpId, 2, "icp_version_recorded", new { icpId = IcpId, version = 2, definition = V2, publishedBy = "bob" });
        var rescore = Guid.NewGuid();
        scoring.Add(rescore, 1, "leads_scored", new { batchId = rescore, scores = leads.Select(l => Score(l.Id, l.Lead, 2, V2)) });
        scoring.Head();
    }

    private static JsonElement Lead(string industry, int employees, string department) => JsonSerializer.SerializeToElement(new
    {
        externalId = "x",
        company = new { name = "Acme", industry, employeeCount = employees },
        contact = new { department },
    });

    private static object Score(Guid leadId, JsonElement lead, int version, IcpDefinition definition)
    {
        var result = IcpScorer.Score(lead, definition);
        return new
        {
            leadId, icpId = IcpId, icpVersion = version, snapshot = 1, score = result.Score, tier = result.Tier,
            breakdown = result.Breakdown, disqualifiedBy = result.DisqualifiedBy, modelVersion = ScoringModel.ModelVersion,
            inputHash = InputHash.Compute(lead, definition, ScoringModel.ModelVersion), scoredAt = Start,
        };
    }

    private static string Json<T>(T line) => JsonSerializer.Serialize(line, ModelJson.Options);

    private sealed class Chain(SyntheticExport export, string service)
    {
        private readonly Dictionary<long, string> _hashes = [];
        private long _position;
        private string _prev = ChainLink.Genesis;
        private DateTimeOffset _at = Start;

        public void Add(Guid stream, long version, string type, object data)
        {
            var element = JsonSerializer.SerializeToElement(data, data.GetType(), ModelJson.Options);
            var (who, why) = ChainLink.Attribution(element, service);
            _at = _at.AddHours(1);
            var link = new ChainLink(type, stream, version, ChainLink.FormatTimestamp(_at), who, why, element, _prev);
            var hash = link.Hash();
            _position++;
            export.Lines.Add(Json(new ExportEvent(ExportLines.Event, service, _position, stream, version, type, link.Timestamp,
                who, why, element, _prev, hash, false)));
            _hashes[_position] = hash;
            _prev = hash;
        }

        public void Checkpoint(long position) => Sign(ExportLines.Checkpoint, position, _hashes[position]);

        public void Head() => Sign(ExportLines.Head, _position, _prev);

        private void Sign(string kind, long position, string hash)
        {
            var key = AuditKey.PublicKey(export.Key);
            var checkpoint = new ChainCheckpoint(Tenant, service, position, hash, ChainLink.FormatTimestamp(_at), AuditKey.KeyId(key));
            export.Lines.Add(Json(new ExportCheckpoint(kind, Tenant, service, position, hash, checkpoint.SignedAt, checkpoint.KeyId,
                checkpoint.Sign(export.Key))));
        }
    }
}
