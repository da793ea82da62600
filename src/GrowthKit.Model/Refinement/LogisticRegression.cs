namespace GrowthKit.Model;

/// <summary>
/// L2-regularised logistic regression over binary features, fitted by Newton's method. Hand-written
/// (about fifty lines) rather than a numerics package: the features are few and sparse, so each
/// deal touches only its active features and the Hessian is a small dense matrix.
/// </summary>
public static class LogisticRegression
{
    /// <param name="rows">Each deal's active feature indexes (features are 0/1).</param>
    /// <param name="won">Each deal's outcome.</param>
    /// <param name="features">How many features there are.</param>
    /// <param name="lambda">
    /// The L2 penalty on every coefficient but the intercept: a Gaussian prior of variance 1 / λ on the
    /// log-odds each feature adds, so a handful of deals cannot give a feature a large weight.
    /// </param>
    /// <returns>The intercept, then one coefficient (log-odds) per feature.</returns>
    public static double[] Fit(IReadOnlyList<int[]> rows, IReadOnlyList<bool> won, int features, double lambda = 1.0,
        int maxIterations = 50) => FitWithCovariance(rows, won, features, lambda, maxIterations).Coefficients;

    /// <summary>
    /// As <see cref="Fit"/>, with the coefficients' covariance (the inverse penalised Hessian at the
    /// fit): how far the data pin each coefficient, and each difference of two, down.
    /// </summary>
    public static (double[] Coefficients, double[,] Covariance) FitWithCovariance(IReadOnlyList<int[]> rows, IReadOnlyList<bool> won, int features, double lambda = 1.0,
        int maxIterations = 50)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(won);
        var p = features + 1; // index 0 is the intercept
        var beta = new double[p];
        var hessian = new double[p, p];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var gradient = new double[p];
            hessian = new double[p, p];
            for (var i = 0; i < rows.Count; i++)
            {
                var active = rows[i];
                var eta = beta[0];
                foreach (var j in active) eta += beta[j + 1];
                var mu = 1 / (1 + Math.Exp(-eta));
                var residual = (won[i] ? 1 : 0) - mu;
                var w = mu * (1 - mu);
                gradient[0] += residual;
                hessian[0, 0] += w;
                foreach (var j in active)
                {
                    gradient[j + 1] += residual;
                    hessian[0, j + 1] += w;
                    hessian[j + 1, 0] += w;
                    foreach (var k in active) hessian[j + 1, k + 1] += w;
                }
            }
            hessian[0, 0] += 1e-6; // keeps an all-win or all-loss set solvable
            for (var j = 1; j < p; j++)
            {
                gradient[j] -= lambda * beta[j];
                hessian[j, j] += lambda;
            }

            var step = Solve(hessian, gradient);
            var largest = 0.0;
            for (var j = 0; j < p; j++)
            {
                beta[j] += step[j];
                largest = Math.Max(largest, Math.Abs(step[j]));
            }
            if (largest < 1e-7) break;
        }

        var covariance = new double[p, p];
        for (var j = 0; j < p; j++)
        {
            var unit = new double[p];
            unit[j] = 1;
            var column = Solve(hessian, unit);
            for (var i = 0; i < p; i++) covariance[i, j] = column[i];
        }
        return (beta, covariance);
    }

    /// <summary>Solves A x = b for a symmetric positive-definite A by Cholesky decomposition.</summary>
    internal static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = a[i, j];
                for (var k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                l[i, j] = i == j ? Math.Sqrt(Math.Max(sum, 1e-12)) : sum / l[j, j];
            }
        }
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++) sum -= l[i, k] * y[k];
            y[i] = sum / l[i, i];
        }
        var x = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = y[i];
            for (var k = i + 1; k < n; k++) sum -= l[k, i] * x[k];
            x[i] = sum / l[i, i];
        }
        return x;
    }
}
