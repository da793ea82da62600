using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>The platform team's dead-letter view and re-drive, through the gateway with the admin key only.</summary>
[Collection(GrowthKitCollection.Name)]
public sealed class DeadLetterAdminTests(GrowthKitApp system)
{
    [Fact]
    public async Task The_admin_key_sees_every_services_error_queues_and_redrives_them_and_a_tenant_key_cannot()
    {
        using var admin = system.AdminClient();
        var view = (await admin.GetFromJsonAsync<JsonObject>("/admin/dead-letters"))!;
        var services = view["services"]!.AsArray();
        Assert.Equal(["icp", "leads", "scoring", "refinement", "integrations"], services.Select(s => s!["service"]!.GetValue<string>()));
        Assert.All(services, s => Assert.Null(s!["error"]));
        // Every consuming endpoint's error queue is listed, e.g. the one issue 10 found messages stranded in.
        Assert.Contains(services.SelectMany(s => s!["queues"]!.AsArray()), q => q!["queue"]!.GetValue<string>() == "scoring-leads-received_error");

        using var redrive = await admin.PostAsync("/admin/dead-letters/redrive", null);
        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        var moved = await redrive.ReadObject();
        Assert.Equal(5, moved["services"]!.AsArray().Count(s => s!["error"] is null));

        var tenant = await system.CreateTenantAsync();
        using var forbidden = await tenant.Api.GetAsync("/admin/dead-letters");
        Assert.Equal(HttpStatusCode.Unauthorized, forbidden.StatusCode);
    }
}
