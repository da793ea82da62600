namespace GrowthKit.Model;

/// <summary>Who to talk to at a matching company; descriptive only, never scored.</summary>
public sealed record Persona(string? Role, IReadOnlyList<string>? Seniority, IReadOnlyList<string>? Department);
