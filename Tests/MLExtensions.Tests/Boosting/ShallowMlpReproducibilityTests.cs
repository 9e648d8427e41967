using Microsoft.ML;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Boosting;

/// <summary>
/// A GBNN step network gives bit-identical results for the same inputs wherever the runtime puts its buffers. TensorPrimitives'
/// vectorized Sigmoid and Tanh round an element slightly differently when another element of the same SIMD vector overflows exp
/// (z below about −709), and which elements share a vector follows the destination's address; before the hidden buffer was
/// aligned, a fixed seed could give a different model on every run (spam, J = 1: test AUC 0.9736–0.9786 for seed 1). Each test
/// shifts where fresh arrays land by allocating small arrays of varying length in between, and uses features with outliers so
/// that some pre-activations overflow exp next to ordinary ones.
/// </summary>
[TestClass]
public sealed class ShallowMlpReproducibilityTests
{
    /// <summary>Rows whose first feature is an outlier (±800 to ±1500) one time in five, so w·x overflows exp for some rows; the rest uniform in [−2, 2].</summary>
    private static (double[] X, double[] T) Outliers(int rows, int d, int seed)
    {
        var random = new Random(seed);
        var x = new double[rows * d];
        for (int i = 0; i < x.Length; i++)
        {
            bool outlier = i % d == 0 && random.Next(5) == 0;
            x[i] = outlier ? (random.Next(2) == 0 ? -1 : 1) * (800 + 700 * random.NextDouble()) : random.NextDouble() * 4 - 2;
        }

        var t = Enumerable.Range(0, rows).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        return (x, t);
    }

    /// <summary>Runs <paramref name="body"/> <paramref name="times"/> times, after allocating 1–8 doubles more each time (kept alive), so its fresh arrays start at shifting addresses.</summary>
    private static List<T> AtShiftingAddresses<T>(int times, Func<T> body)
    {
        var keep = new List<double[]>();
        var results = new List<T>();
        for (int i = 0; i < times; i++)
        {
            keep.Add(new double[1 + i % 8]);
            results.Add(body());
        }

        GC.KeepAlive(keep);
        return results;
    }

    private static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    [TestMethod]
    [DataRow(ActivationKind.Sigmoid)]
    [DataRow(ActivationKind.Tanh)]
    public void Objective_SameInputs_BitIdenticalWhereverItsBuffersLand(ActivationKind activation)
    {
        int rows = ShallowMlp.BlockRows + 300, d = 3, units = 2;
        var (x, t) = Outliers(rows, d, 5);
        var mlp = new ShallowMlp(d, units, 1, activation, new Random(2));
        var theta = mlp.Parameters.ToArray();
        theta[0] = 1; // unit 0 sees +x0, unit 1 sees −x0: both overflow exp on some outlier rows
        theta[d] = -1;
        var results = AtShiftingAddresses(24, () =>
        {
            var gradient = new double[theta.Length];
            double value = mlp.Objective(x, t, rows, 1e-4, theta, gradient);
            return Bits(gradient.Prepend(value));
        });
        for (int i = 1; i < results.Count; i++)
        {
            CollectionAssert.AreEqual(results[0], results[i], $"evaluation {i}: the objective or its gradient differs from the first evaluation's");
        }
    }

    [TestMethod]
    public void Fit_SameStart_BitIdenticalParametersWhereverItsBuffersLand()
    {
        int rows = 700, d = 4;
        var (x, t) = Outliers(rows, d, 9);
        var results = AtShiftingAddresses(8, () =>
        {
            var mlp = new ShallowMlp(d, 1, 1, ActivationKind.Sigmoid, new Random(3));
            mlp.Parameters[0] = 2; // start saturated on the outliers
            mlp.Fit(x, t, rows, 1e-4, 200);
            return Bits(mlp.Parameters);
        });
        for (int i = 1; i < results.Count; i++)
        {
            CollectionAssert.AreEqual(results[0], results[i], $"fit {i} ended at other parameters than the first fit from the same start");
        }
    }

    [TestMethod]
    public void BinaryTrainer_SameSeed_BitIdenticalStepsAcrossFits()
    {
        // The reference settings (200 L-BFGS iterations per step, no early stopping) on rows with outliers in the first feature.
        var ml = new MLContext(seed: 1);
        var random = new Random(6);
        var rows = SyntheticData.Binary(600, 2);
        foreach (var row in rows.Where(_ => random.Next(5) == 0))
        {
            row.Features[0] *= 1200;
        }

        var data = ml.Data.LoadFromEnumerable(rows);
        var options = GradientBoostedNeuralNetworkBinaryTrainer.Options.Reference();
        options.TotalHiddenUnits = 4;
        options.Seed = 4;
        var results = AtShiftingAddresses(4, () =>
        {
            var steps = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(options).Fit(data).Model.Steps;
            return Bits(steps.SelectMany(s => s.HiddenWeights.Concat(s.HiddenBias).Concat(s.OutputWeights).Concat(s.OutputBias).Append(s.Rho)));
        });
        for (int i = 1; i < results.Count; i++)
        {
            CollectionAssert.AreEqual(results[0], results[i], $"fit {i} with seed 4 gave other steps than the first fit");
        }
    }
}
