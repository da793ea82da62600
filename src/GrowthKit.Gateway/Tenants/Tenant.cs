namespace GrowthKit.Gateway.Tenants;

/// <summary>A customer of GrowthKit; its id is the tenant id every service partitions its data by.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Leads a month (calendar month, UTC) the tenant may send; null: no quota.</summary>
    public int? LeadsPerMonth { get; set; }
}
