using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;

namespace GrowthKit.Web.Session;

/// <summary>
/// The signed-in tenant's API key, per circuit. It survives a page reload in the tab's session
/// storage, encrypted with the server's data protection keys; it never goes into a URL.
/// </summary>
public sealed class UserSession(ProtectedSessionStorage storage)
{
    private const string StorageKey = "growthkit.apiKey";

    public string? ApiKey { get; private set; }
    public bool Restored { get; private set; }
    public bool SignedIn => !string.IsNullOrEmpty(ApiKey);

    /// <summary>Workshop questions seen in this tab, by id: changing an earlier answer offers its options again.</summary>
    public Dictionary<string, Api.WorkshopQuestion> WorkshopQuestions { get; } = new(StringComparer.Ordinal);

    /// <summary>The workshop under way in this tab: the Workshop link resumes it rather than starting another.</summary>
    public Guid? CurrentWorkshopId { get; set; }

    public event Action? Changed;

    /// <summary>Reads the key the tab kept (JS interop, so after the first render).</summary>
    public async Task RestoreAsync()
    {
        if (Restored) return;
        try
        {
            var stored = await storage.GetAsync<string>(StorageKey);
            if (stored.Success) ApiKey = stored.Value;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Encrypted with keys this server no longer has: sign in again.
            await storage.DeleteAsync(StorageKey);
        }
        Restored = true;
        Changed?.Invoke();
    }

    public async Task SignInAsync(string apiKey)
    {
        ApiKey = apiKey;
        await storage.SetAsync(StorageKey, apiKey);
        Changed?.Invoke();
    }

    public async Task SignOutAsync()
    {
        ApiKey = null;
        CurrentWorkshopId = null;
        WorkshopQuestions.Clear();
        await storage.DeleteAsync(StorageKey);
        Changed?.Invoke();
    }
}
