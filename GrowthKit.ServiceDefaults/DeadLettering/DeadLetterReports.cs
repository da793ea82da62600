namespace GrowthKit.ServiceDefaults.DeadLettering;

// What a service's internal/dead-letters endpoints answer (GrowthKit.Platform.Messaging) and the gateway's
// admin API reads from every service: the one contract between them, so neither side keeps a copy.

/// <summary>The messages waiting in one <c>_error</c> queue.</summary>
public sealed record DeadLetterQueue(string Queue, uint Messages);

public sealed record DeadLetterReport(string Service, IReadOnlyList<DeadLetterQueue> Queues, long Total);

public sealed record RedriveReport(string Service, int Moved);
