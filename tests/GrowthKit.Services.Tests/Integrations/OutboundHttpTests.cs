using System.Net;
using System.Net.Sockets;
using System.Text;
using GrowthKit.Integrations.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GrowthKit.Services.Tests.Integrations;

public sealed class OutboundHttpTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:10.0.0.1")]
    public void Private_loopback_and_link_local_addresses_are_not_public(string address) =>
        Assert.False(OutboundHttp.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2001:4860:4860::8888")]
    public void Public_addresses_are_public(string address) =>
        Assert.True(OutboundHttp.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://localhost:8080/hook", "loopback")]
    [InlineData("http://127.0.0.1/hook", "loopback")]
    [InlineData("http://[::1]/hook", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data", "private")]
    [InlineData("https://10.0.0.5/hook", "private")]
    [InlineData("ftp://example.com/hook", "http or https")]
    [InlineData("https://user:pass@example.com/hook", "user name")]
    public void Registration_refuses_urls_that_are_not_public(string url, string reason)
    {
        var refusal = OutboundHttp.Refusal(new Uri(url), allowPrivate: false);
        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal);
    }

    [Fact]
    public void Registration_accepts_public_urls_and_private_ones_only_when_allowed()
    {
        Assert.Null(OutboundHttp.Refusal(new Uri("https://hooks.example.com/growthkit"), allowPrivate: false));
        Assert.Null(OutboundHttp.Refusal(new Uri("http://127.0.0.1:5000/hook"), allowPrivate: true));
    }

    [Fact]
    public async Task A_connection_to_a_loopback_listener_is_refused_unless_private_networks_are_allowed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = ServeNoContentAsync(listener);

        using var refused = Client(allowPrivate: false);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetAsync($"http://localhost:{port}/"));
        Assert.Contains("non-public address", error.Message);

        using var allowed = Client(allowPrivate: true);
        using var response = await allowed.GetAsync($"http://localhost:{port}/");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1, await served);
    }

    private static HttpClient Client(bool allowPrivate)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new(OutboundOptions.AllowPrivateNetworksKey, allowPrivate.ToString())])
            .Build();
        var services = new ServiceCollection().AddOutboundOptions(configuration);
        services.AddOutboundHttpClient("outbound");
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient("outbound");
    }

    /// <summary>Answers one request with 204 and counts the connections that reached it.</summary>
    private static async Task<int> ServeNoContentAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var stream = client.GetStream();
        var buffer = new byte[4096];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n"))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0) break;
            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"u8.ToArray());
        return 1;
    }
}
