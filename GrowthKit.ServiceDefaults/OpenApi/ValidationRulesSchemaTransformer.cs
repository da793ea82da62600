using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using FluentValidation;
using FluentValidation.Internal;
using FluentValidation.Validators;
using GrowthKit.Model;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace GrowthKit.ServiceDefaults.OpenApi;

/// <summary>
/// Documents the FluentValidation rules as JSON Schema bounds, so the numbers in the OpenAPI document are
/// the ones the validators enforce: <c>MaximumLength</c> → <c>maxLength</c>, <c>MaxItems</c> →
/// <c>maxItems</c>, comparisons, <c>InclusiveBetween</c> and <c>WithinMagnitude</c> → <c>minimum</c>/<c>maximum</c>.
/// A schema of type T takes the rules of every validator of T (or of a type T implements, such as
/// <c>ICondition</c>, or names with <see cref="ValidatedAsAttribute"/>) found in the GrowthKit assemblies.
/// Conditional rules (<c>When</c>) are left out: they do not always hold.
/// </summary>
public sealed class ValidationRulesSchemaTransformer : IOpenApiSchemaTransformer
{
    public const int GuidLength = 36;
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<IValidationRule>> RulesByType = new();
    private static Dictionary<Type, List<Type>>? validatorsByType;
    private static readonly Lock Gate = new();

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // A GUID is 36 characters in the form the API reads and writes.
        if (schema.Format == "uuid" && schema.MaxLength is null) schema.MaxLength = GuidLength;
        // An instant is read as ISO 8601, never longer than this.
        if (schema.Format == "date-time" && schema.MaxLength is null) schema.MaxLength = ParameterBoundsTransformer.InstantLength;
        if (schema.Properties is not { Count: > 0 }) return Task.CompletedTask;
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            // [AllowedValues] on a request shape the endpoint checks by hand: the document lists them.
            if ((property.AttributeProvider as MemberInfo)?.GetCustomAttribute<System.ComponentModel.DataAnnotations.AllowedValuesAttribute>() is { } allowed
                && schema.Properties.TryGetValue(property.Name, out var s) && s is OpenApiSchema target)
            {
                target.Enum = [.. allowed.Values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v?.ToString())!)];
            }
        }
        var rules = RulesByType.GetOrAdd(context.JsonTypeInfo.Type, type => RulesFor(type, context.ApplicationServices));
        if (rules.Count == 0) return Task.CompletedTask;

        foreach (var property in context.JsonTypeInfo.Properties)
        {
            if (!schema.Properties.TryGetValue(property.Name, out var propertySchema) || propertySchema is not OpenApiSchema target) continue;
            var memberName = (property.AttributeProvider as MemberInfo)?.Name;
            foreach (var rule in rules.Where(r => Names(r, property.Name, memberName)))
            {
                var isCollection = rule.GetType().GetInterfaces()
                    .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));
                var applyTo = isCollection ? target.Items as OpenApiSchema : target;
                if (applyTo is null) continue;
                foreach (var component in rule.Components.Where(c => !c.HasCondition && !c.HasAsyncCondition))
                {
                    Apply(applyTo, component.Validator);
                }
            }
        }
        return Task.CompletedTask;
    }

    private static bool Names(IValidationRule rule, string jsonName, string? memberName) =>
        !rule.HasCondition && !rule.HasAsyncCondition
        && ((memberName is not null && rule.Member?.Name == memberName && rule.PropertyName == memberName)
            || string.Equals(rule.PropertyName, jsonName, StringComparison.OrdinalIgnoreCase));

    private static void Apply(OpenApiSchema schema, IPropertyValidator validator)
    {
        switch (validator)
        {
            case ILengthValidator length:
                if (length.Max > 0) schema.MaxLength = Tighter(schema.MaxLength, length.Max);
                if (length.Min > 0) schema.MinLength = length.Min;
                break;
            case IOneOfValidator oneOf:
                schema.Enum = [.. oneOf.Values.Order(StringComparer.Ordinal).Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v))];
                break;
            case IMaxItemsValidator items:
                schema.MaxItems = Tighter(schema.MaxItems, items.Max);
                break;
            case IMagnitudeValidator magnitude:
                SetMinimum(schema, -magnitude.Max);
                SetMaximum(schema, magnitude.Max);
                break;
            case IBetweenValidator between:
                SetMinimum(schema, Convert.ToDecimal(between.From, CultureInfo.InvariantCulture));
                SetMaximum(schema, Convert.ToDecimal(between.To, CultureInfo.InvariantCulture));
                break;
            case IComparisonValidator { ValueToCompare: not null } comparison:
                var value = Convert.ToDecimal(comparison.ValueToCompare, CultureInfo.InvariantCulture);
                switch (comparison.Comparison)
                {
                    case Comparison.GreaterThanOrEqual: SetMinimum(schema, value); break;
                    case Comparison.LessThanOrEqual: SetMaximum(schema, value); break;
                }
                break;
        }
    }

    private static int Tighter(int? current, int bound) => current is { } c && c < bound ? c : bound;

    // Bounds keep the larger minimum and the smaller maximum when several rules name one.
    private static void SetMinimum(OpenApiSchema schema, decimal value)
    {
        if (schema.Minimum is { } current && decimal.Parse(current, CultureInfo.InvariantCulture) >= value) return;
        schema.Minimum = value.ToString("0.############", CultureInfo.InvariantCulture);
    }

    private static void SetMaximum(OpenApiSchema schema, decimal value)
    {
        if (schema.Maximum is { } current && decimal.Parse(current, CultureInfo.InvariantCulture) <= value) return;
        schema.Maximum = value.ToString("0.############", CultureInfo.InvariantCulture);
    }

    private static IReadOnlyList<IValidationRule> RulesFor(Type type, IServiceProvider services)
    {
        var validated = new List<Type> { type };
        validated.AddRange(type.GetInterfaces());
        if (type.GetCustomAttribute<ValidatedAsAttribute>() is { } alias) validated.Add(alias.Type);

        var map = ValidatorsByType();
        var rules = new List<IValidationRule>();
        foreach (var validatorType in validated.SelectMany(t => map.GetValueOrDefault(t) ?? []))
        {
            if (Create(validatorType, services) is { } validator)
                rules.AddRange(validator.CreateDescriptor().Rules.Where(r => r is not IIncludeRule));
        }
        return rules;
    }

    private static IValidator? Create(Type validatorType, IServiceProvider services)
    {
        try
        {
            return (IValidator)ActivatorUtilities.CreateInstance(services, validatorType);
        }
        catch (InvalidOperationException)
        {
            return null; // A validator needing what this host does not have documents nothing here.
        }
    }

    /// <summary>Every concrete validator in the GrowthKit assemblies, by the type it validates.</summary>
    private static Dictionary<Type, List<Type>> ValidatorsByType()
    {
        lock (Gate)
        {
            if (validatorsByType is not null) return validatorsByType;
            var map = new Dictionary<Type, List<Type>>();
            var assemblies = AppDomain.CurrentDomain.GetAssemblies()
                .Where(a => a.GetName().Name?.StartsWith("GrowthKit", StringComparison.Ordinal) == true);
            foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
            {
                if (type.IsAbstract || type.IsGenericTypeDefinition || !typeof(IValidator).IsAssignableFrom(type)) continue;
                var validated = type.GetInterfaces()
                    .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>))
                    ?.GetGenericArguments()[0];
                if (validated is null) continue;
                if (!map.TryGetValue(validated, out var list)) map[validated] = list = [];
                list.Add(type);
            }
            return validatorsByType = map;
        }
    }
}

/// <summary>
/// On a type that only describes a request in the OpenAPI document, names the type the endpoint
/// actually validates, so the document takes that validator's bounds (matched by property name).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ValidatedAsAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;
}
