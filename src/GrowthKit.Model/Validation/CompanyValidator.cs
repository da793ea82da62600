using FluentValidation;

namespace GrowthKit.Model;

internal sealed class CompanyValidator : AbstractValidator<Company>
{
    public CompanyValidator()
    {
        RuleFor(c => c.Name).NotEmpty().BoundedText(Limits.LeadTextLength).JsonName("name");
        RuleFor(c => c.Domain).BoundedText(Limits.LeadTextLength).JsonName("domain");
        RuleFor(c => c.Industry).BoundedText(Limits.LeadTextLength).JsonName("industry");
        RuleFor(c => c.Country).BoundedText(Limits.LeadTextLength).JsonName("country");
        RuleFor(c => c.EmployeeCount).GreaterThanOrEqualTo(0m).LessThanOrEqualTo(Limits.MaxNumber).JsonName("employeeCount");
        RuleFor(c => c.AnnualRevenue).GreaterThanOrEqualTo(0m).LessThanOrEqualTo(Limits.MaxNumber).JsonName("annualRevenue");
    }
}
