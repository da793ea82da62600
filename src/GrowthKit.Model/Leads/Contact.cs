namespace GrowthKit.Model;

public sealed record Contact(string? Title, string? Seniority, string? Department);
