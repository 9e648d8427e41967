namespace MLExtensions.Tests.Boosting;

/// <summary>
/// The step network's blocked, column-wise objective (issue #13) against the per-row loops it replaced, written out here: same
/// value and gradient to rounding (1e-12 relative) across block boundaries, with and without example weights, for every
/// activation and J = 1…5; and L-BFGS fits from the same start that end at the same parameters (1e-6: the summation order
/// differs, so trajectories are equal only to rounding that the line search can amplify a little).
/// </summary>
[TestClass]
public sealed class ShallowMlpBlockedObjectiveTests
{
    /// <summary>The objective as the per-row loops computed it before issue #13: ½·Σ w·(o − t)²/(Σw·K) + (alpha/2Σw)·‖W‖².</summary>
    private static double PerRowObjective(double[] x, double[] t, double[]? w, int rows, int d, int j, int k, ActivationKind activation,
                                          double alpha, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        int b1 = j * d, w2 = b1 + j, b2 = w2 + k * j;
        gradient.Clear();
        double total = w?.Sum() ?? rows, scale = 1.0 / (total * k), loss = 0;
        var a = new double[j];
        var delta = new double[j];
        for (int n = 0; n < rows; n++)
        {
            for (int u = 0; u < j; u++)
            {
                double z = theta[b1 + u];
                for (int i = 0; i < d; i++) z += theta[u * d + i] * x[n * d + i];
                a[u] = ShallowMlp.Activate(z, activation);
            }

            Array.Clear(delta);
            double weight = w?[n] ?? 1;
            for (int c = 0; c < k; c++)
            {
                double o = theta[b2 + c];
                for (int u = 0; u < j; u++) o += theta[w2 + c * j + u] * a[u];
                double e = o - t[n * k + c];
                loss += weight * e * e;
                double g = weight * e * scale;
                gradient[b2 + c] += g;
                for (int u = 0; u < j; u++)
                {
                    gradient[w2 + c * j + u] += g * a[u];
                    delta[u] += g * theta[w2 + c * j + u];
                }
            }

            for (int u = 0; u < j; u++)
            {
                double derivative = activation switch
                {
                    ActivationKind.Sigmoid => a[u] * (1 - a[u]),
                    ActivationKind.Tanh => 1 - a[u] * a[u],
                    _ => a[u] > 0 ? 1 : 0,
                };
                double g = delta[u] * derivative;
                gradient[b1 + u] += g;
                for (int i = 0; i < d; i++) gradient[u * d + i] += g * x[n * d + i];
            }
        }

        double l2 = alpha / total, penalty = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            if (i < b1 || (i >= w2 && i < b2))
            {
                penalty += theta[i] * theta[i];
                gradient[i] += l2 * theta[i];
            }
        }

        return 0.5 * loss * scale + 0.5 * l2 * penalty;
    }

    private static (double[] X, double[] T, double[] W) Problem(int rows, int d, int k, int seed)
    {
        var random = new Random(seed);
        var x = Enumerable.Range(0, rows * d).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        var t = Enumerable.Range(0, rows * k).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var w = Enumerable.Range(0, rows).Select(_ => 0.1 + random.NextDouble()).ToArray();
        return (x, t, w);
    }

    [TestMethod]
    [DataRow(ActivationKind.Sigmoid, 1, 1, false)]
    [DataRow(ActivationKind.Sigmoid, 4, 1, true)]
    [DataRow(ActivationKind.Sigmoid, 4, 6, false)]
    [DataRow(ActivationKind.Tanh, 3, 3, true)]
    [DataRow(ActivationKind.ReLU, 5, 2, false)]
    [DataRow(ActivationKind.ReLU, 2, 1, true)]
    public void Objective_EqualsPerRowLoops_AcrossBlocks(ActivationKind activation, int units, int outputs, bool weighted)
    {
        // 2.5 blocks of rows, and a row count that is no multiple of the vector width, so every tail is exercised.
        int rows = ShallowMlp.BlockRows * 2 + ShallowMlp.BlockRows / 2 + 3, d = 7;
        var (x, t, w) = Problem(rows, d, outputs, 11);
        var weights = weighted ? w : null;
        var mlp = new ShallowMlp(d, units, outputs, activation, new Random(4));
        var theta = mlp.Parameters.Select(v => v * 3).ToArray(); // larger weights: saturated and negative units too
        var gradient = new double[theta.Length];
        var expected = new double[theta.Length];
        double value = mlp.Objective(x, t, weights, rows, 0.7, theta, gradient);
        double reference = PerRowObjective(x, t, weights, rows, d, units, outputs, activation, 0.7, theta, expected);
        AssertSameObjective(reference, expected, value, gradient);
    }

    /// <summary>
    /// Columns of every density the blocked objective tells apart: dense, all zero, one-hot-like (a non-zero in about one row of 20),
    /// sparse in the first block and dense in the second, and exactly at the density limit in a block (read as a list) or one above
    /// it (read densely). The value and gradient equal the per-row loops'.
    /// </summary>
    [TestMethod]
    [DataRow(ActivationKind.Sigmoid, 3, 1, false)]
    [DataRow(ActivationKind.Tanh, 2, 3, true)]
    [DataRow(ActivationKind.ReLU, 4, 2, false)]
    public void Objective_SparseAndZeroColumns_EqualPerRowLoops(ActivationKind activation, int units, int outputs, bool weighted)
    {
        int block = ShallowMlp.BlockRows, rows = block * 2 + 37, d = 7;
        var (x, t, w) = Problem(rows, d, outputs, 21);
        var random = new Random(5);
        int limit = block / BlockColumns.SparseDensity;
        for (int r = 0; r < rows; r++)
        {
            int inBlock = r % block;
            x[r * d + 1] = 0;
            x[r * d + 2] = random.Next(20) == 0 ? 1 : 0;
            x[r * d + 3] = r < block ? (random.Next(50) == 0 ? x[r * d + 3] : 0) : x[r * d + 3];
            x[r * d + 4] = r < block && inBlock < limit ? -2.5 : 0;       // exactly the limit in the first block: a list
            x[r * d + 5] = r < block && inBlock <= limit ? 0.75 : 0;      // one above it: dense
        }

        var mlp = new ShallowMlp(d, units, outputs, activation, new Random(6));
        var theta = mlp.Parameters.Select(v => v * 3).ToArray();
        var gradient = new double[theta.Length];
        var expected = new double[theta.Length];
        var weights = weighted ? w : null;
        double value = mlp.Objective(x, t, weights, rows, 0.7, theta, gradient);
        double reference = PerRowObjective(x, t, weights, rows, d, units, outputs, activation, 0.7, theta, expected);
        AssertSameObjective(reference, expected, value, gradient);

        var layout = BlockColumns.Of(Transposed(x, rows, d), rows, d, block);
        Assert.IsTrue(layout[0].IsDense(0) && !layout[0].IsDense(1) && !layout[0].IsDense(2) && !layout[0].IsDense(3) && layout[1].IsDense(3));
        Assert.IsFalse(layout[0].IsDense(4), "at the limit: a list");
        Assert.IsTrue(layout[0].IsDense(5), "above the limit: dense");
        Assert.AreEqual(0, layout[0].NonZeroRows(1).Length);
        Assert.AreEqual(limit, layout[0].NonZeroRows(4).Length);
    }

    /// <summary>The value within 1e-12 relative, and every gradient entry within 1e-12 of the largest expected one.</summary>
    private static void AssertSameObjective(double expectedValue, double[] expectedGradient, double value, double[] gradient)
    {
        Assert.AreEqual(expectedValue, value, 1e-12 * Math.Abs(expectedValue), "objective");
        double largest = expectedGradient.Max(Math.Abs);
        for (int i = 0; i < gradient.Length; i++)
        {
            Assert.AreEqual(expectedGradient[i], gradient[i], 1e-12 * largest, $"gradient {i}");
        }
    }

    private static double[] Transposed(double[] x, int rows, int d)
    {
        var result = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < d; c++) result[c * rows + r] = x[r * d + c];
        }

        return result;
    }

    [TestMethod]
    public void Objective_ZeroWeightRows_EqualDroppingThem()
    {
        // Zero weights on every third row, across blocks: the same value and gradient as the kept rows alone (mean and L2 over Σw).
        int rows = ShallowMlp.BlockRows * 2 + 5, d = 6, units = 4, outputs = 2;
        var (x, t, _) = Problem(rows, d, outputs, 13);
        var weights = Enumerable.Range(0, rows).Select(i => i % 3 == 0 ? 0.0 : 1.0).ToArray();
        var kept = Enumerable.Range(0, rows).Where(i => weights[i] > 0).ToArray();
        var keptX = kept.SelectMany(i => x.Skip(i * d).Take(d)).ToArray();
        var keptT = kept.SelectMany(i => t.Skip(i * outputs).Take(outputs)).ToArray();
        var mlp = new ShallowMlp(d, units, outputs, ActivationKind.Sigmoid, new Random(8));
        var theta = mlp.Parameters.ToArray();
        var gradient = new double[theta.Length];
        var expected = new double[theta.Length];
        double value = mlp.Objective(x, t, weights, rows, 0.5, theta, gradient);
        double dropped = mlp.Objective(keptX, keptT, kept.Length, 0.5, theta, expected);
        AssertSameObjective(dropped, expected, value, gradient);
    }

    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(4, 3)]
    public void Fit_EndsWhereThePerRowLoopsEnd(int units, int outputs)
    {
        int rows = ShallowMlp.BlockRows + 77, d = 5;
        var (x, t, w) = Problem(rows, d, outputs, 12);
        var mlp = new ShallowMlp(d, units, outputs, ActivationKind.Sigmoid, new Random(6));
        var start = mlp.Parameters.ToArray();
        var (iterations, evaluations) = mlp.Fit(x, t, w, rows, 1e-4, maxIterations: 40);
        var expected = start.ToArray();
        var (referenceIterations, referenceEvaluations) = Lbfgs.Minimize(
            (theta, gradient) => PerRowObjective(x, t, w, rows, d, units, outputs, ActivationKind.Sigmoid, 1e-4, theta, gradient), expected, 40);
        Assert.AreEqual(referenceIterations, iterations, "iterations");
        Assert.AreEqual(referenceEvaluations, evaluations, "evaluations");
        Assert.IsTrue(evaluations >= iterations && iterations > 0, $"{iterations} iterations, {evaluations} evaluations");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], mlp.Parameters[i], 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"parameter {i}");
        }
    }

    [TestMethod]
    public void Trainer_CountsTheLbfgsWorkOfEveryStep()
    {
        var ml = new Microsoft.ML.MLContext(1);
        var data = ml.Data.LoadFromEnumerable(MLExtensions.Tests.Trainers.SyntheticData.Binary(200, 1));
        var options = GradientBoostedNeuralNetworkBinaryTrainer.Options.Reference();
        options.TotalHiddenUnits = 6;
        options.UnitsPerStep = 2;
        options.MaxIterations = 15;
        options.Seed = 2;
        using var model = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(options).Fit(data);
        var work = model.Model.Work;
        // Three steps of at most 15 iterations each; every iteration evaluates at least once, plus the start of each step.
        Assert.IsTrue(work.Iterations > 3 && work.Iterations <= 3 * 15, $"{work.Iterations} iterations");
        Assert.IsTrue(work.Evaluations >= work.Iterations + 3, $"{work.Evaluations} evaluations for {work.Iterations} iterations");
    }
}
