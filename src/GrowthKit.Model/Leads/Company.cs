namespace GrowthKit.Model;

public sealed record Company(
    string? Name,
    string? Domain,
    string? Industry,
    decimal? EmployeeCount,
    decimal? AnnualRevenue,
    string? Country);
