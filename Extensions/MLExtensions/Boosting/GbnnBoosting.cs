using MLExtensions.Networks;
using System.Diagnostics;
using MLExtensions.Trainers;
using MLExtensions.Training;

namespace MLExtensions.Boosting;

/// <summary>The GBNN boosting loop on packed rows (ALGORITHMS.md §A.1), independent of ML.NET.</summary>
internal static class GbnnBoosting
{
    /// <summary>
    /// Trains ⌊TotalHiddenUnits / UnitsPerStep⌋ steps. <paramref name="x"/> is row-major [n×inputs]; <paramref name="y"/> holds
    /// regression values, binary ±1 or 0-based class indices; <paramref name="outputs"/> is 1 or the class count.
    /// </summary>
    public static (double[] InitialScore, List<BoostingStep> Steps) Train(PredictionTask task, double[] x, double[] y, int inputs, int outputs,
        GradientBoostedNeuralNetworkOptionsBase options, int seed, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        int n = y.Length, units = options.UnitsPerStep, stepCount = options.TotalHiddenUnits / units;
        // One generator for every draw, so a seed fixes the whole run (the reference code's subsampling ignores its seed).
        var random = new Random(seed);
        var initial = GbnnLoss.InitialScore(task, y, outputs); // finite: the trainer has rejected single-class labels
        var scores = new double[n * outputs];
        for (int i = 0; i < n; i++)
        {
            initial.CopyTo(scores, i * outputs);
        }

        var residuals = new double[n * outputs];
        int sampleSize = Math.Max(1, (int)(options.Subsample * n)); // int(subsample * n), as the reference code
        var order = Enumerable.Range(0, n).ToArray();
        var sampleX = new double[sampleSize * inputs];
        var sampleR = new double[sampleSize * outputs];
        var steps = new List<BoostingStep>(stepCount);
        var clock = new Stopwatch();
        for (int t = 0; t < stepCount; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            clock.Restart();
            GbnnLoss.Residuals(task, y, scores, outputs, residuals);
            // Rows without replacement: a partial Fisher–Yates shuffle (all rows, in order, when Subsample = 1).
            for (int i = 0; i < sampleSize && sampleSize < n; i++)
            {
                int j = i + random.Next(n - i);
                (order[i], order[j]) = (order[j], order[i]);
            }

            for (int s = 0; s < sampleSize; s++)
            {
                int row = order[s];
                Array.Copy(x, row * inputs, sampleX, s * inputs, inputs);
                Array.Copy(residuals, row * outputs, sampleR, s * outputs, outputs);
            }

            var learner = new ShallowMlp(inputs, units, outputs, options.Activation, random);
            learner.Fit(sampleX, sampleR, sampleSize, options.L2Regularization, options.MaxIterations);
            var h = learner.Predict(x, n); // on every row, not just the subsample
            double rho = options.LearningRate * GbnnLoss.NewtonStep(task, y, scores, h, residuals, outputs);
            for (int i = 0; i < scores.Length; i++)
            {
                scores[i] += rho * h[i];
            }

            double loss = GbnnLoss.MeanLoss(task, y, scores, outputs);
            steps.Add(new BoostingStep(learner.HiddenWeights.ToArray(), learner.HiddenBias.ToArray(), learner.OutputWeights.ToArray(),
                learner.OutputBias.ToArray(), rho, loss));
            // One report per step: Epoch is the step, LearningRate the step length rho; there is no gradient norm to report.
            progress?.Report(new TrainingProgress(t + 1, stepCount, loss, null, rho, 0, clock.Elapsed.TotalSeconds));
        }

        return (initial, steps);
    }
}
