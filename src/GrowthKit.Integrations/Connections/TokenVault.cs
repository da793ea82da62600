using Microsoft.AspNetCore.DataProtection;

namespace GrowthKit.Integrations.Connections;

/// <summary>
/// Encrypts CRM tokens with the service's persisted Data Protection ring: what the database holds is
/// useless without the ring's keys, which are themselves encrypted with the platform secret.
/// </summary>
public sealed class TokenVault(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("GrowthKit.Integrations.CrmToken.v1");

    public string Protect(string token) => _protector.Protect(token);

    public string Unprotect(string protectedToken) => _protector.Unprotect(protectedToken);
}
