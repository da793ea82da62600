using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GrowthKit.Gateway.Authentication;

public sealed class AdminKeyOptions : AuthenticationSchemeOptions
{
    /// <summary>SHA-256 of the configured admin key; the key itself is not kept.</summary>
    public byte[] KeyHash { get; set; } = [];
}

/// <summary>
/// The platform team's key for <c>/admin/**</c>. Comparing fixed-length hashes in constant time
/// leaks neither the key's content nor its length through timing.
/// </summary>
public sealed class AdminKeyAuthenticationHandler(
    IOptionsMonitor<AdminKeyOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AdminKeyOptions>(options, logger, encoder)
{
    public const string SchemeName = "AdminKey";

    /// <summary>The first hex digits of the admin key's SHA-256: tells keys apart in the audit log, reveals nothing usable.</summary>
    public const string CredentialClaim = "admin-credential";

    /// <summary>Who did an admin action, as the audit log records it: <c>admin (3f9a0c1e)</c>.</summary>
    public static string Actor(ClaimsPrincipal admin) =>
        admin.FindFirstValue(CredentialClaim) is { } credential ? $"admin ({credential})" : "admin";

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken.From(Request) is not { } presented) return Task.FromResult(AuthenticateResult.NoResult());

        if (Options.KeyHash.Length == 0 || !CryptographicOperations.FixedTimeEquals(Hash(presented), Options.KeyHash))
        {
            return Task.FromResult(AuthenticateResult.Fail("Wrong admin key."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "admin"), new Claim(CredentialClaim, Convert.ToHexStringLower(Options.KeyHash)[..8])], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        BearerToken.ChallengeAsync(Context, "The admin key is required: Authorization: Bearer <adminKey>.");
}
