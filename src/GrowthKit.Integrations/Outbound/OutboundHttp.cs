using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace GrowthKit.Integrations.Outbound;

/// <summary>Whether outbound calls may reach loopback and private networks (development, tests).</summary>
public sealed class OutboundOptions
{
    public const string AllowPrivateNetworksKey = "GrowthKit:AllowPrivateNetworks";

    public bool AllowPrivateNetworks { get; set; }
}

/// <summary>
/// Calls out of the platform (CRM APIs at a tenant-given base URL, webhooks to tenant URLs) go only to
/// public addresses unless the platform team allows private ones: a tenant must not be able to make
/// the platform call its own database, broker, metadata service or anything else on its network
/// (server-side request forgery). The check runs where the connection is made, on the address the
/// name resolved to, so a name that resolves to a private address — or starts to, after it was
/// registered (DNS rebinding) — is refused too. Hand-written: no served library guards connections.
/// </summary>
public static class OutboundHttp
{
    public static IServiceCollection AddOutboundOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboundOptions>().Configure(o =>
            o.AllowPrivateNetworks = configuration.GetValue<bool>(OutboundOptions.AllowPrivateNetworksKey));
        return services;
    }

    /// <summary>A named HttpClient whose connections refuse non-public addresses unless allowed; no proxy, no cookies.</summary>
    public static IHttpClientBuilder AddOutboundHttpClient(this IServiceCollection services, string name)
    {
        services.AddOptions<OutboundOptions>();
        // The platform's default retries are for calls between its own services; an outside system's
        // 429s, Retry-After and idempotency are the caller's to handle (a CRM's budget, a webhook's schedule).
#pragma warning disable EXTEXP0001
        return services.AddHttpClient(name)
            .RemoveAllResilienceHandlers()
#pragma warning restore EXTEXP0001
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var allowPrivate = sp.GetRequiredService<IOptions<OutboundOptions>>().Value.AllowPrivateNetworks;
                return new SocketsHttpHandler
                {
                    UseProxy = false,
                    UseCookies = false,
                    AllowAutoRedirect = false,
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, allowPrivate, ct),
                };
            });
    }

    /// <summary>
    /// Null when <paramref name="url"/> may be called; otherwise why not (for a 422 when a tenant
    /// registers it). A host name is checked again, resolved, at every connection.
    /// </summary>
    public static string? Refusal(Uri url, bool allowPrivate)
    {
        if (!url.IsAbsoluteUri) return "must be an absolute URL.";
        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) return "must be an http or https URL.";
        if (!string.IsNullOrEmpty(url.UserInfo)) return "must not carry a user name or password.";
        if (allowPrivate) return null;
        if (url.IsLoopback || url.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || url.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return "must not point at a loopback address.";
        }
        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var address) && !IsPublic(address))
        {
            return "must not point at a private, loopback or link-local address.";
        }
        return null;
    }

    /// <summary>Whether an address is on the public internet (not loopback, private, link-local, shared, multicast or reserved).</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0                                   // "this" network
                     || b[0] == 10                               // private
                     || b[0] == 127                              // loopback
                     || (b[0] == 100 && b[1] >= 64 && b[1] < 128) // shared address space (carrier NAT)
                     || (b[0] == 169 && b[1] == 254)             // link-local, cloud metadata
                     || (b[0] == 172 && b[1] >= 16 && b[1] < 32) // private
                     || (b[0] == 192 && b[1] == 0 && b[2] == 0)  // IETF protocol assignments
                     || (b[0] == 192 && b[1] == 168)             // private
                     || (b[0] == 198 && (b[1] == 18 || b[1] == 19)) // benchmarking
                     || b[0] >= 224);                            // multicast, reserved, broadcast
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address)) return false;
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                     || (b[0] & 0xfe) == 0xfc                    // unique local fc00::/7
                     || address.IsIPv6Teredo
                     || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)); // NAT64 64:ff9b::/96 maps IPv4
        }
        return false;
    }

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivate, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, ct);
        // Every address the name resolves to must be public, not just the first: otherwise the name
        // could offer a public and a private address and the connection might use the second.
        if (!allowPrivate && addresses.FirstOrDefault(a => !IsPublic(a)) is { } refused)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"Outbound call to {endPoint.Host} refused: it resolves to the non-public address {refused}.");
        }
        if (addresses.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"{endPoint.Host} does not resolve.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Connect to the addresses just checked, not to the name (which could resolve anew).
            await socket.ConnectAsync(addresses, endPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
