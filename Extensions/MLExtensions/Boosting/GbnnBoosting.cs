using System.Diagnostics;

namespace MLExtensions;

/// <summary>The GBNN boosting loop on packed rows (ALGORITHMS.md §A.1), independent of ML.NET.</summary>
internal static class GbnnBoosting
{
    /// <summary>
    /// Trains up to ⌊TotalHiddenUnits / UnitsPerStep⌋ steps on <paramref name="rows"/> (regression labels already standardized when
    /// <paramref name="target"/> is not (0, 1)); every loss, Newton step and step fit weighs a row by its example weight;
    /// <paramref name="outputs"/> is 1 or the class count. With <paramref name="validation"/>, the validation loss is measured
    /// after every step, boosting stops after <c>EarlyStoppingPatience</c> steps without a lower one, and only the steps up to the
    /// lowest one are returned. The returned initial score, step lengths and losses are in the label's units:
    /// F_label = target.Mean + target.Scale·F (regression only). <c>Work</c> sums the L-BFGS work of every trained step.
    /// </summary>
    public static (double[] InitialScore, List<BoostingStep> Steps, int StepsTrained, LbfgsWork Work) Train(PredictionTask task, GbnnRows rows, int inputs,
        int outputs, GradientBoostedNeuralNetworkOptionsBase options, int seed, GbnnRows? validation, (double Mean, double Scale) target,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var (x, y, w) = rows;
        int n = y.Length, units = options.UnitsPerStep, stepCount = options.TotalHiddenUnits / units;
        // One generator for every draw, so a seed fixes the whole run (the reference code's subsampling ignores its seed).
        var random = new Random(seed);
        var initial = GbnnLoss.InitialScore(task, y, w, outputs); // finite: the trainer has rejected single-class labels
        var scores = Repeat(initial, n);
        int validationRows = validation?.Y.Length ?? 0;
        var validationScores = Repeat(initial, validationRows);
        double lossScale = target.Scale * target.Scale;

        var residuals = new double[n * outputs];
        int sampleSize = Math.Max(1, (int)(options.Subsample * n)); // int(subsample * n), as the reference code
        var order = Enumerable.Range(0, n).ToArray();
        var sampleX = new double[sampleSize * inputs];
        var sampleR = new double[sampleSize * outputs];
        var sampleW = w is null ? null : new double[sampleSize];
        var steps = new List<BoostingStep>(stepCount);
        int best = 0; // steps kept: the prefix with the lowest validation loss
        double bestLoss = double.PositiveInfinity;
        var work = new LbfgsWork(0, 0);
        var clock = new Stopwatch();
        var fitClock = Stopwatch.StartNew();
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
                if (sampleW is not null) sampleW[s] = w![row];
            }

            var learner = new ShallowMlp(inputs, units, outputs, options.Activation, random);
            var (iterations, evaluations) = learner.Fit(sampleX, sampleR, sampleW, sampleSize, options.L2Regularization, options.MaxIterations);
            work = new LbfgsWork(work.Iterations + iterations, work.Evaluations + evaluations);
            var h = learner.Predict(x, n); // on every row, not just the subsample
            double newton = GbnnLoss.NewtonStep(task, y, w, scores, h, residuals, outputs);
            if (options.MaxNewtonStep is { } cap)
            {
                newton = Math.Clamp(newton, -cap, cap);
            }

            double rho = options.LearningRate * newton;
            for (int i = 0; i < scores.Length; i++)
            {
                scores[i] += rho * h[i];
            }

            double loss = GbnnLoss.MeanLoss(task, y, w, scores, outputs) * lossScale;
            double? validationLoss = null;
            if (validation is { } v)
            {
                var hv = learner.Predict(v.X, validationRows);
                for (int i = 0; i < validationScores.Length; i++)
                {
                    validationScores[i] += rho * hv[i];
                }

                validationLoss = GbnnLoss.MeanLoss(task, v.Y, v.Weights, validationScores, outputs) * lossScale;
                if (validationLoss < bestLoss)
                {
                    bestLoss = validationLoss.Value;
                    best = t + 1;
                }
            }

            steps.Add(new BoostingStep(learner.HiddenWeights.ToArray(), learner.HiddenBias.ToArray(), learner.OutputWeights.ToArray(),
                learner.OutputBias.ToArray(), rho * target.Scale, loss, validationLoss));
            // One report per step: Epoch is the step, LearningRate the step length rho; there is no gradient norm to report.
            progress?.Report(new TrainingProgress(t + 1, stepCount, loss, validationLoss, rho * target.Scale, 0, clock.Elapsed.TotalSeconds)
            {
                Kind = TrainingProgressKind.BoostingStep, ElapsedSeconds = fitClock.Elapsed.TotalSeconds,
            });
            if (validation is not null && options.EarlyStoppingPatience is { } patience && t + 1 - best >= patience)
            {
                break;
            }
        }

        int trained = steps.Count;
        if (validation is not null)
        {
            // A non-finite validation loss never becomes the best; then keep the first step (a model has at least one).
            steps.RemoveRange(Math.Max(best, 1), trained - Math.Max(best, 1));
        }

        return (initial.Select(f => target.Mean + target.Scale * f).ToArray(), steps, trained, work);
    }

    private static double[] Repeat(double[] initial, int rows)
    {
        var scores = new double[rows * initial.Length];
        for (int i = 0; i < rows; i++)
        {
            initial.CopyTo(scores, i * initial.Length);
        }

        return scores;
    }
}
