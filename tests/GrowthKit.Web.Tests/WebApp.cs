using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace GrowthKit.Web.Tests;

/// <summary>
/// The whole system started once through the AppHost (as the end-to-end tests do), plus one headless
/// Debian Chromium driven by Playwright. Each test creates its own tenant and signs in with its key.
/// </summary>
public sealed class WebApp : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly string _dataDir = Path.Combine(
        Environment.GetEnvironmentVariable("GROWTHKIT_TEST_DATA_ROOT") ?? "/tmp/growthkit-tests",
        "web-" + Guid.NewGuid().ToString("N")[..12]);

    public string AdminKey { get; private set; } = "admin-" + Guid.NewGuid().ToString("N");
    /// <summary>The secret that encrypts the web app's Data Protection keys at rest.</summary>
    public string DataProtectionKey { get; } = "dp-" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
    public DistributedApplication? App { get; private set; }
    public HttpClient Gateway { get; private set; } = null!;
    public Uri WebAppUrl { get; private set; } = null!;
    public string ScreenshotDir { get; } = ScreenshotFolder();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDir);
        // For working on the pages: point the tests at a system already running (./run.sh) instead.
        if (Environment.GetEnvironmentVariable("GROWTHKIT_WEB_TEST_GATEWAY") is { Length: > 0 } running)
        {
            AdminKey = Environment.GetEnvironmentVariable("GROWTHKIT_WEB_TEST_ADMIN_KEY") ?? "";
            Gateway = new HttpClient { BaseAddress = new Uri(running), Timeout = TimeSpan.FromSeconds(60) };
        }
        else
        {
            await StartSystemAsync();
        }
        WebAppUrl = new Uri(Gateway.BaseAddress!, "/app/");

        // Debian's chromium, never a downloaded browser: Playwright only brings its driver.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("GROWTHKIT_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    private async Task StartSystemAsync()
    {
        Directory.CreateDirectory(_dataDir);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GrowthKit_AppHost>(
            [
                $"--GrowthKit:DataDir={_dataDir}",
                "--GrowthKit:DurableStorage=false",
                // The fake CRM of the integrations page's test listens on loopback.
                "--GrowthKit:AllowPrivateNetworks=true",
                $"--Parameters:admin-key={AdminKey}",
                $"--Parameters:web-data-protection-key={DataProtectionKey}",
            ],
            (options, _) => options.DisableDashboard = true);
        builder.Services.AddLogging(logging => logging
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("GrowthKit.AppHost.Resources", LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning));

        App = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(StartTimeout);
        await App.StartAsync(cts.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", cts.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("web", cts.Token);

        Gateway = App.CreateHttpClient("gateway", "http");
        Gateway.Timeout = TimeSpan.FromSeconds(60);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (App is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await App.StopAsync(cts.Token);
            await App.DisposeAsync();
        }
        try
        {
            if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the OS to clean: the data is a test's.
        }
    }

    /// <summary>A new tenant: its API key and a client that speaks to the gateway with it.</summary>
    public async Task<(string ApiKey, HttpClient Api)> CreateTenantAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/tenants")
        {
            Content = JsonContent.Create(new { name = "web-" + Guid.NewGuid().ToString("N")[..8] }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await Gateway.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var apiKey = (await response.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
        var client = new HttpClient { BaseAddress = Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return (apiKey, client);
    }

    /// <summary>A fresh browser context at the web app's sign-in page.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = WebAppUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        // A Blazor circuit's round trips through the gateway to the services slow down a lot when the
        // machine is busy (a CI runner, or suites side by side): patience here, failures still fail.
        context.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(WebAppUrl.ToString());
        return page;
    }

    /// <summary>A fresh browser context at the web app, signed in with the key through the sign-in form.</summary>
    public async Task<IPage> SignedInPageAsync(string apiKey, int width = 1280, int height = 900)
    {
        var page = await NewPageAsync(width, height);
        await page.GetByLabel("API key").FillAsync(apiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Your ideal customer profiles" }).WaitForAsync();
        return page;
    }

    /// <summary>Runs a test's browser steps; on failure the page as it was goes to FAILED-name.png.</summary>
    public async Task StepsAsync(IPage page, string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch
        {
            await ScreenshotAsync(page, "FAILED-" + name);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    public async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });

    /// <summary><c>TestResults/screenshots</c> at the repository root (git-ignored), or GROWTHKIT_SCREENSHOTS.</summary>
    private static string ScreenshotFolder()
    {
        if (Environment.GetEnvironmentVariable("GROWTHKIT_SCREENSHOTS") is { Length: > 0 } configured) return configured;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GrowthKit.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? Path.GetTempPath(), "TestResults", "screenshots");
    }
}

[CollectionDefinition(Name)]
public sealed class WebAppCollection : ICollectionFixture<WebApp>
{
    public const string Name = "GrowthKit web app";
}
