using System.Security.Claims;
using GrowthKit.Gateway.Authorization;

namespace GrowthKit.Services.Tests.Gateway;

/// <summary>
/// The scope table against API.md, written out here by hand: which scope each kind of request needs.
/// (The end-to-end suite checks the table covers every route the services publish, and that the
/// gateway enforces it.)
/// </summary>
public sealed class ApiScopesTests
{
    public static TheoryData<string, string, string[]> Expected => new()
    {
        // leads:write — leads, deals, imports.
        { "POST", "/api/leads", ["leads:write"] },
        { "POST", "/api/leads/batch", ["leads:write"] },
        { "POST", "/api/leads/import", ["leads:write"] },
        { "POST", "/api/deals", ["leads:write"] },
        { "POST", "/api/deals/batch", ["leads:write"] },
        { "POST", "/api/deals/import", ["leads:write"] },
        // leads:read
        { "GET", "/api/leads", ["leads:read"] },
        { "GET", "/api/leads/0b7c8f0e-4c1b-4f7e-9d62-0d7c6f1e2a3b", ["leads:read"] },
        { "GET", "/api/leads/by-external-id/crm-1", ["leads:read"] },
        { "GET", "/api/leads/export", ["leads:read"] },
        { "GET", "/api/leads/quarantine", ["leads:read"] },
        // icps:write — ICPs, workshops, proposals, refinement settings, taxonomy.
        { "POST", "/api/icps", ["icps:write"] },
        { "PUT", "/api/icps/0b7c8f0e-4c1b-4f7e-9d62-0d7c6f1e2a3b", ["icps:write"] },
        { "POST", "/api/icps/0b7c8f0e-4c1b-4f7e-9d62-0d7c6f1e2a3b/publish", ["icps:write"] },
        { "POST", "/api/workshops", ["icps:write"] },
        { "POST", "/api/workshops/w/answers", ["icps:write"] },
        { "POST", "/api/workshops/w/complete", ["icps:write"] },
        { "POST", "/api/icps/i/proposals/p/accept", ["icps:write"] },
        { "POST", "/api/icps/i/proposals/p/reject", ["icps:write"] },
        { "PUT", "/api/icps/i/refinement", ["icps:write"] },
        { "PUT", "/api/taxonomy", ["icps:write"] },
        // icps:read
        { "GET", "/api/icps", ["icps:read"] },
        { "GET", "/api/icps/i", ["icps:read"] },
        { "GET", "/api/workshops/w", ["icps:read"] },
        { "GET", "/api/taxonomy", ["icps:read"] },
        { "GET", "/api/icps/i/gap-report", ["icps:read"] },
        { "GET", "/api/icps/i/proposals", ["icps:read"] },
        { "GET", "/api/icps/i/refinement", ["icps:read"] },
        { "GET", "/api/icps/i/versions/3/rescoring", ["icps:read"] },
        // integrations — CRM connections, webhooks.
        { "PUT", "/api/integrations/hubspot", ["integrations"] },
        { "GET", "/api/integrations/hubspot/sync", ["integrations"] },
        { "DELETE", "/api/integrations/pipedrive", ["integrations"] },
        { "POST", "/api/webhooks", ["integrations"] },
        { "GET", "/api/webhooks/h/deliveries", ["integrations"] },
        // audit:read — history, versions, verify, export (history and versions also for icps:read / leads:read).
        { "GET", "/api/audit/verify", ["audit:read"] },
        { "GET", "/api/audit/export", ["audit:read"] },
        { "GET", "/api/icps/i/history", ["icps:read", "audit:read"] },
        { "GET", "/api/icps/i/versions", ["icps:read", "audit:read"] },
        { "GET", "/api/icps/i/versions/2", ["icps:read", "audit:read"] },
        { "GET", "/api/icps/i/diff", ["icps:read", "audit:read"] },
        { "GET", "/api/leads/l/scores", ["leads:read", "audit:read"] },
        { "POST", "/api/leads/l/rescore", ["leads:read", "audit:read"] },
        // Any read scope: the tenant's usage.
        { "GET", "/api/usage", ["leads:read", "icps:read", "audit:read"] },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Each_route_accepts_exactly_the_scopes_api_md_gives_it(string method, string path, string[] scopes)
    {
        Assert.Equal(scopes.Order(), ApiScopes.Accepting(method, path)!.Order());
        foreach (var scope in ApiScopes.Known)
        {
            var missing = ApiScopes.Missing(KeyWith(scope), method, path);
            if (scopes.Contains(scope)) Assert.Null(missing);
            else Assert.Equal(ApiScopes.Accepting(method, path)![0], missing);
        }
    }

    [Fact]
    public void Every_rule_names_known_scopes_and_the_table_lists_each_route_once()
    {
        Assert.All(ApiScopes.Rules, r => Assert.All(r.Scopes, s => Assert.Contains(s, ApiScopes.Known)));
        Assert.Equal(ApiScopes.Rules.Count, ApiScopes.Rules.Select(r => (r.Method, r.Template.ToLowerInvariant())).Distinct().Count());
    }

    [Fact]
    public void An_ingest_only_key_writes_leads_and_deals_and_reads_nothing()
    {
        var ingest = KeyWith("leads:write");
        Assert.Null(ApiScopes.Missing(ingest, "POST", "/api/leads"));
        Assert.Null(ApiScopes.Missing(ingest, "POST", "/api/deals/batch"));
        Assert.Equal("leads:read", ApiScopes.Missing(ingest, "GET", "/api/leads"));
        Assert.Equal("icps:write", ApiScopes.Missing(ingest, "POST", "/api/icps"));
        Assert.Equal("audit:read", ApiScopes.Missing(ingest, "GET", "/api/audit/verify"));
    }

    [Fact]
    public void An_audit_key_reads_history_and_verifies_and_changes_nothing()
    {
        var audit = KeyWith("audit:read");
        var writes = ApiScopes.Rules.Where(r => r.Method is not "GET" && !r.Scopes.Contains("audit:read"));
        Assert.All(writes, r => Assert.DoesNotContain("audit:read", r.Scopes));
        Assert.Null(ApiScopes.Missing(audit, "GET", "/api/icps/i/history"));
        Assert.Equal("leads:write", ApiScopes.Missing(audit, "POST", "/api/leads"));
        // The one POST it may make changes nothing: it recomputes a score and compares.
        Assert.Null(ApiScopes.Missing(audit, "POST", "/api/leads/l/rescore"));
    }

    [Fact]
    public void A_route_no_rule_lists_is_open_only_to_an_unrestricted_key()
    {
        Assert.Null(ApiScopes.Accepting("GET", "/api/something-new"));
        Assert.Equal(ApiScopes.Unrestricted, ApiScopes.Missing(KeyWith([.. ApiScopes.Known]), "GET", "/api/something-new"));
        Assert.Null(ApiScopes.Missing(new ClaimsPrincipal(new ClaimsIdentity([new Claim("tenant", "t")], "ApiKey")), "GET", "/api/something-new"));
    }

    [Theory]
    [InlineData("GET", "/api/icps/i/history/extra")]
    [InlineData("DELETE", "/api/leads")]
    [InlineData("GET", "/api/leadsx")]
    [InlineData("GET", "/api/icps//history")]
    public void Templates_match_whole_segments_and_methods(string method, string path) =>
        Assert.Null(ApiScopes.Accepting(method, path));

    private static ClaimsPrincipal KeyWith(params string[] scopes) => new(new ClaimsIdentity(
        [new Claim(ApiScopes.RestrictedClaimType, "true"), .. scopes.Select(s => new Claim(ApiScopes.ClaimType, s))], "ApiKey"));
}
