using System.Security.Claims;
using FluentValidation;
using GrowthKit.Integrations.Outbound;
using GrowthKit.Model;
using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using GrowthKit.ServiceDefaults.Tenancy;
using MassTransit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GrowthKit.Integrations.Webhooks;

public sealed record RegisterWebhook(string? Url, IReadOnlyList<string>? Events);

public sealed record WebhookCreated(Guid WebhookId, string Secret, string Url, IReadOnlyList<string> Events);

public sealed record WebhookView(Guid WebhookId, string Url, IReadOnlyList<string> Events, string Status, string? DisabledReason,
    DateTimeOffset CreatedAt);

public sealed record ItemList<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary><c>/api/webhooks</c>: register (the secret is shown once), list, read the delivery log, delete.</summary>
public static class WebhooksApi
{
    public const int MaxUrlLength = 2048;

    public static WebApplication MapWebhooks(this WebApplication app)
    {
        var group = app.MapGroup("api/webhooks").WithTags("Webhooks");
        group.MapPost("/", RegisterAsync)
            .WithName("RegisterWebhook")
            .WithSummary("Register a URL for events; the signing secret (whsec_…) is in this answer only")
            .WithDescription($"events: any of {string.Join(", ", WebhookEvents.All)}. Deliveries are POSTed as {{type, timestamp, data}}, "
                             + "signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 "
                             + "of id.timestamp.body>), retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h on a failure; a 410 "
                             + "disables the webhook. Loopback and private addresses are refused unless the platform allows them.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListAsync).WithName("ListWebhooks").WithSummary("The tenant's webhooks (without their secrets)");
        group.MapGet("/{webhookId:guid}/deliveries", DeliveriesAsync)
            .WithName("ListWebhookDeliveries")
            .WithSummary("The webhook's newest deliveries with every attempt: status code, error, next attempt")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{webhookId:guid}", DeleteAsync).WithName("DeleteWebhook").WithSummary("Stop delivering to the URL")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static readonly RegisterWebhookValidator ShapeRules = new();
    private static readonly RegisterWebhookEventsValidator EventRules = new();

    /// <summary>What a registration must hold (400 otherwise); the document states these bounds.</summary>
    private sealed class RegisterWebhookValidator : AbstractValidator<RegisterWebhook>
    {
        public RegisterWebhookValidator()
        {
            RuleFor(r => r.Url).NotEmpty().WithMessage("url is required.").BoundedText(MaxUrlLength).OverridePropertyName("url");
            RuleFor(r => r.Url).Must(u => u is null || Uri.TryCreate(u.Trim(), UriKind.Absolute, out _))
                .WithMessage("url must be an absolute http or https URL.").OverridePropertyName("url");
            RuleFor(r => r.Events).NotEmpty().WithMessage($"events is required: any of {string.Join(", ", WebhookEvents.All)}.")
                .MaxItems(WebhookEvents.All.Length).OverridePropertyName("events");
        }
    }

    /// <summary>Which events there are (422 for another): the document lists them as an enum.</summary>
    private sealed class RegisterWebhookEventsValidator : AbstractValidator<RegisterWebhook>
    {
        public RegisterWebhookEventsValidator() =>
            RuleForEach(r => r.Events).OneOf(WebhookEvents.All).OverridePropertyName("events");
    }

    private static async Task<Results<Created<WebhookCreated>, ProblemHttpResult>> RegisterAsync(RegisterWebhook? body, ClaimsPrincipal user,
        WebhookStore store, IDataProtectionProvider protection, IOptions<OutboundOptions> outbound, IOptions<WebhookOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        if (body is null) return ApiDefaults.FieldProblem("url", "url is required.", StatusCodes.Status400BadRequest);
        var shape = ShapeRules.Validate(body);
        if (!shape.IsValid) return shape.ValidationProblem(StatusCodes.Status400BadRequest);
        var known = EventRules.Validate(body);
        if (!known.IsValid) return known.ValidationProblem(StatusCodes.Status422UnprocessableEntity);
        var url = new Uri(body.Url!.Trim(), UriKind.Absolute);

        if (OutboundHttp.Refusal(url, outbound.Value.AllowPrivateNetworks) is { } refusal)
        {
            return ApiDefaults.FieldProblem("url", $"url {refusal}", StatusCodes.Status422UnprocessableEntity);
        }
        var tenant = user.TenantId();
        if (await store.CountAsync(tenant, ct) >= options.Value.MaxWebhooksPerTenant)
        {
            return ApiDefaults.FieldProblem("url", $"A tenant has at most {options.Value.MaxWebhooksPerTenant} webhooks; delete one first.",
                StatusCodes.Status422UnprocessableEntity);
        }
        var secret = WebhookSecrets.New();
        var webhook = new Webhook(Guid.CreateVersion7(), tenant, url.AbsoluteUri, [.. body.Events!.Distinct()],
            WebhookSecrets.Protector(protection).Protect(secret), "active", null, clock.GetUtcNow());
        await store.CreateAsync(webhook, ct);
        return TypedResults.Created($"/api/webhooks/{webhook.WebhookId}", new WebhookCreated(webhook.WebhookId, secret, webhook.Url, webhook.Events));
    }

    private static async Task<Ok<ItemList<WebhookView>>> ListAsync(ClaimsPrincipal user, WebhookStore store, CancellationToken ct) =>
        TypedResults.Ok(new ItemList<WebhookView>([.. (await store.ListAsync(user.TenantId(), ct))
            .Select(w => new WebhookView(w.WebhookId, w.Url, w.Events, w.Status, w.DisabledReason, w.CreatedAt))], null));

    private static async Task<Results<Ok<ItemList<DeliveryLog>>, ProblemHttpResult>> DeliveriesAsync(Guid webhookId, ClaimsPrincipal user,
        WebhookStore store, CancellationToken ct, int? limit = null)
    {
        if (Paging.CheckLimit(limit, out var take) is { } problem) return problem;
        return await store.DeliveriesAsync(user.TenantId(), webhookId, take, ct) is { } log
            ? TypedResults.Ok(new ItemList<DeliveryLog>(log, null))
            : ApiDefaults.NotFoundProblem("Webhook");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid webhookId, ClaimsPrincipal user, WebhookStore store,
        CancellationToken ct) =>
        await store.DeleteAsync(user.TenantId(), webhookId, ct) ? TypedResults.NoContent() : ApiDefaults.NotFoundProblem("Webhook");
}

public static class WebhooksModule
{
    /// <summary>Webhooks: the store, the outbound client, the dispatcher (<see cref="WebhooksApi.MapWebhooks"/> maps the routes).</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(EventStore.ConnectionName)
                               ?? throw new InvalidOperationException($"ConnectionStrings:{EventStore.ConnectionName} is not configured.");
        builder.Services.Configure<WebhookOptions>(builder.Configuration.GetSection(WebhookOptions.Section));
        builder.Services.AddSingleton(_ => new WebhookStore(Npgsql.NpgsqlDataSource.Create(connectionString)));
        builder.Services.AddSingleton<WebhookSignal>();
        builder.Services.AddOutboundHttpClient(WebhookDispatcher.HttpClientName);
        builder.Services.AddHandWrittenTables($"{Extensions.Schema}.webhooks", WebhookStore.Ddl);
        builder.Services.AddHostedService<WebhookDispatcher>();
        return builder;
    }

    /// <summary>The consumers that turn the platform's messages into deliveries.</summary>
    public static void AddWebhookConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ScoresRecordedConsumer>();
        bus.AddConsumer<IcpVersionPublishedConsumer>();
        bus.AddConsumer<ProposalCreatedConsumer>();
    }
}

