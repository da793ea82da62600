using FluentValidation;

namespace GrowthKit.Model;

internal sealed class CompanyValidator : AbstractValidator<Company>
{
    public CompanyValidator()
    {
        RuleFor(c => c.Name).NotEmpty().JsonName("name");
        RuleFor(c => c.EmployeeCount).GreaterThanOrEqualTo(0m).JsonName("employeeCount");
        RuleFor(c => c.AnnualRevenue).GreaterThanOrEqualTo(0m).JsonName("annualRevenue");
    }
}
