using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>Every admin action is in the admin audit log, with who and when, newest first, paged.</summary>
[Collection(GrowthKitCollection.Name)]
public sealed class AdminAuditLogTests(GrowthKitApp system)
{
    [Fact]
    public async Task Creating_a_tenant_issuing_and_revoking_a_key_and_changing_the_quota_are_each_logged_with_who_and_when()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-5);
        var tenant = await system.CreateTenantAsync();
        var admin = system.AdminClient();
        using var issued = await admin.PostAsJsonAsync($"/admin/tenants/{tenant.TenantId}/api-keys",
            new { name = "ingest", scopes = new[] { "leads:write" } });
        var keyId = (await issued.ReadObject())["keyId"]!.GetValue<string>();
        (await admin.DeleteAsync($"/admin/tenants/{tenant.TenantId}/api-keys/{keyId}")).Dispose();
        (await admin.PutAsJsonAsync($"/admin/tenants/{tenant.TenantId}/quota", new { leadsPerMonth = 500 })).Dispose();

        var log = await (await admin.GetAsync($"/admin/audit-log?tenantId={tenant.TenantId}")).ReadObject();
        var entries = log["items"]!.AsArray().Select(e => e!.AsObject()).ToList();

        Assert.Equal(["quota.changed", "api-key.revoked", "api-key.issued", "tenant.created"],
            entries.Select(e => e["action"]!.GetValue<string>()));
        var credential = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(system.AdminKey)))[..8];
        Assert.All(entries, e =>
        {
            Assert.Equal($"admin ({credential})", e["actor"]!.GetValue<string>());
            Assert.InRange(e["at"]!.GetValue<DateTimeOffset>(), started, DateTimeOffset.UtcNow.AddSeconds(5));
            Assert.Equal(tenant.TenantId.ToString(), e["tenantId"]!.GetValue<string>());
        });
        Assert.Equal(keyId, entries[1]["details"]!["keyId"]!.GetValue<string>());
        Assert.Equal("leads:write", entries[2]["details"]!["scopes"]!.GetValue<string>());
        Assert.Equal("500", entries[0]["details"]!["leadsPerMonth"]!.GetValue<string>());
        // No secret is ever logged: neither the tenant's key nor the issued one.
        Assert.DoesNotContain(tenant.ApiKey, log.ToJsonString());
        Assert.DoesNotContain("gk_", log.ToJsonString());

        // Paged: two at a time, newest first, the cursor leading to the rest.
        var first = await (await admin.GetAsync($"/admin/audit-log?tenantId={tenant.TenantId}&limit=2")).ReadObject();
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = await (await admin.GetAsync($"/admin/audit-log?tenantId={tenant.TenantId}&limit=2&cursor={cursor}")).ReadObject();
        Assert.Equal(entries.Select(e => e["id"]!.GetValue<string>()),
            first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(e => e!["id"]!.GetValue<string>()));
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task The_audit_log_is_for_the_admin_key_only_and_refuses_a_bad_limit()
    {
        var tenant = await system.CreateTenantAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Api.GetAsync("/admin/audit-log")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await system.Gateway.GetAsync("/admin/audit-log")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await system.AdminClient().GetAsync("/admin/audit-log?limit=0")).StatusCode);
    }
}
