using System.Net;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>
/// The Aspire dashboard shows every resource's settings, secrets included: it must refuse anyone
/// without the browser token (./run.sh prints the login link with the other URLs).
/// </summary>
[Collection(GrowthKitCollection.Name)]
public sealed class DashboardTests(GrowthKitApp system)
{
    [Fact]
    public async Task The_dashboard_refuses_an_anonymous_request_and_admits_the_token()
    {
        var login = system.DashboardLogin;
        Assert.Contains("t=", login.Query);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var browser = new HttpClient(handler)
        {
            BaseAddress = new Uri(login.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(30),
        };

        // Anonymous: sent to the login page, not shown the resources (nor their settings).
        using (var anonymous = await browser.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.Contains("/login", anonymous.Headers.Location!.OriginalString);
        }

        // A wrong token signs nobody in...
        using (await browser.GetAsync("/login?t=not-the-token")) { }
        using (var still = await browser.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, still.StatusCode);
        }

        // ...the printed link does.
        using (await browser.GetAsync(login.PathAndQuery)) { }
        using var signedIn = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public void Run_sh_never_turns_the_dashboard_anonymous_and_prints_the_login_link()
    {
        var script = File.ReadAllText(Path.Combine(RepositoryRoot(), "run.sh"));
        Assert.DoesNotContain("UNSECURED_ALLOW_ANONYMOUS", script);
        Assert.Contains("AppHost__BrowserToken=", script);
        Assert.Contains("/login?t=$dashboard_token", script);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GrowthKit.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("No GrowthKit.sln above the test's folder.");
    }
}
