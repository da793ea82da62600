using System.Text.Json;

namespace GrowthKit.Contracts;

/// <summary>
/// Asks the ICP service to make <paramref name="Definition"/> the ICP's draft and publish it, if the
/// ICP is still at <paramref name="BaseVersion"/> with no unpublished edits. <paramref name="RequestId"/>
/// names the request: sent again (a redelivery, a retried accept) it publishes nothing new and is
/// answered with the version it made. Answered with <see cref="RefinedIcpPublished"/> or <see cref="RefinedIcpRefused"/>.
/// </summary>
public sealed record PublishRefinedIcp(
    Guid TenantId,
    Guid IcpId,
    Guid RequestId,
    int BaseVersion,
    JsonElement Definition,
    string By,
    string Reason);
