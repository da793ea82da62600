using System.Net;
using GrowthKit.Web.Security;
using GrowthKit.ServiceDefaults.Security;
using GrowthKit.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Playwright;
using Npgsql;

namespace GrowthKit.Web.Tests;

[Collection(WebAppCollection.Name)]
public sealed class SecurityTests(WebApp web)
{
    [Theory]
    [InlineData("/app/")]
    [InlineData("/app/app.css")]
    [InlineData("/app/no-such-page")]
    public async Task Every_response_through_the_gateway_carries_the_security_headers(string path)
    {
        using var response = await web.Gateway.GetAsync(path);

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task The_content_security_policy_lets_the_Blazor_circuit_work_and_is_never_violated()
    {
        var (apiKey, _) = await web.CreateTenantAsync();
        var page = await web.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(message.Text);
        };
        await web.StepsAsync(page, "csp", async () =>
        {
            // The sign-in form answers only over the circuit (a WebSocket): signing in proves it connected.
            await page.GetByLabel("API key").FillAsync(apiKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.GetByRole(AriaRole.Heading, new() { Name = "Your ideal customer profiles" }).WaitForAsync();
            // A reload restores the session from the tab's storage (Data Protection unprotects it).
            await page.ReloadAsync();
            await page.GetByRole(AriaRole.Heading, new() { Name = "Your ideal customer profiles" }).WaitForAsync();
            Assert.Empty(violations);
        });
    }

    [Fact]
    public async Task Data_protection_keys_live_in_PostgreSQL_encrypted_and_a_second_instance_reads_what_the_first_protected()
    {
        // Signing in makes the web app protect the API key, so its key ring exists.
        var (apiKey, _) = await web.CreateTenantAsync();
        var page = await web.SignedInPageAsync(apiKey);
        await page.Context.CloseAsync();

        var connectionString = await web.App!.GetConnectionStringAsync("growthkit")
            ?? throw new InvalidOperationException("No connection string for the database.");
        var rows = await KeyRowsAsync(connectionString);
        Assert.NotEmpty(rows);
        Assert.All(rows, xml =>
        {
            Assert.Contains("growthKitEncryptedKey", xml);
            Assert.Contains("encryptedSecret", xml);
            Assert.DoesNotContain("<masterKey", xml);
        });

        // Two more instances with the web app's settings: the first protects, the second unprotects.
        // Both take the web app's own key (no new key is written), as a restarted web app would.
        using var first = Instance(connectionString, web.DataProtectionKey);
        using var second = Instance(connectionString, web.DataProtectionKey);
        var secret = "signed-in " + Guid.NewGuid();
        var protectedText = first.GetDataProtector("growthkit.test").Protect(secret);
        Assert.Equal(secret, second.GetDataProtector("growthkit.test").Unprotect(protectedText));
        Assert.Equal(rows.Count, (await KeyRowsAsync(connectionString)).Count);

        // The stored element opens with the platform's secret only: with it, the master key; without it, nothing.
        var encrypted = System.Xml.Linq.XElement.Parse(rows[0]).Descendants("growthKitEncryptedKey").Single();
        using (var right = Instance(connectionString, web.DataProtectionKey))
        {
            Assert.Equal("masterKey", new SecretXmlDecryptor(right).Decrypt(encrypted).Name.LocalName);
        }
        using var wrong = Instance(connectionString, "another-secret-" + Guid.NewGuid().ToString("N"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => new SecretXmlDecryptor(wrong).Decrypt(encrypted));
    }

    private static ServiceProvider Instance(string connectionString, string secret) =>
        new ServiceCollection().AddLogging().AddPersistedDataProtection(connectionString, secret, WebAppExtensions.DataProtectionApplication, WebAppExtensions.DataProtectionSchema).BuildServiceProvider();

    private static async Task<List<string>> KeyRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT xml FROM {PostgresXmlRepository.TableIn(WebAppExtensions.DataProtectionSchema)}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
