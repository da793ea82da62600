using GrowthKit.Platform.Persistence;
using GrowthKit.ServiceDefaults;
using Npgsql;

namespace GrowthKit.Services.Tests.Reliability;

public sealed class DaemonFailoverTests
{
    [Fact]
    public void Adds_the_client_connection_check_to_a_connection_string()
    {
        var checkedString = DaemonFailover.WithClientConnectionCheck("Host=db;Port=5432;Database=growthkit;Username=growthkit_icp;Password=secret");

        var builder = new NpgsqlConnectionStringBuilder(checkedString);
        Assert.Equal("-c client_connection_check_interval=2000", builder.Options);
        Assert.Equal("db", builder.Host);
        Assert.Equal("growthkit_icp", builder.Username);
        Assert.Equal("secret", builder.Password);
    }

    [Fact]
    public void Keeps_startup_options_already_given()
    {
        var checkedString = DaemonFailover.WithClientConnectionCheck("Host=db;Options=-c statement_timeout=5000");

        Assert.Equal("-c statement_timeout=5000 -c client_connection_check_interval=2000",
            new NpgsqlConnectionStringBuilder(checkedString).Options);
    }

    [Fact]
    public void Leaves_an_interval_set_by_the_operator_alone()
    {
        const string given = "Host=db;Options=-c client_connection_check_interval=500";

        Assert.Equal(given, DaemonFailover.WithClientConnectionCheck(given));
    }
}
