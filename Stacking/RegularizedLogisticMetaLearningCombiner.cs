using System.Diagnostics;
using MLExtensions.Stacking.Linear;

namespace MLExtensions.Stacking;

/// <summary>
/// The binary-classification variant of <see cref="RegularizedMetaLearningCombiner"/>: redundancy projection of the base
/// probabilities (residuals y − p by default), the six meta-features over the probabilities, L2-, L1- and elastic-net-regularized
/// logistic meta-models (standardization fitted on training folds only, alpha and l1 ratio chosen by inner K-fold log-loss),
/// out-of-fold meta-probabilities from an outer K-fold, and a blend of the meta-models' probabilities with weights ∝ 1/log-loss.
/// </summary>
public sealed class RegularizedLogisticMetaLearningCombiner : StackingCombiner
{
    /// <summary>Settings.</summary>
    public sealed class Options : MetaLearningOptionsBase
    {
        /// <summary>Default values.</summary>
        public static class Defaults
        {
            /// <summary>Outer folds.</summary>
            public const int OuterFolds = 5;

            /// <summary>Inner folds.</summary>
            public const int InnerFolds = 3;

            /// <summary>Seed of the fold shuffles.</summary>
            public const int Seed = 42;
        }

        /// <summary>Options with the binary defaults: 5 outer folds, per-row L2 strengths logspace(-5, 1, 13), L1 strengths
        /// logspace(-5, -1, 9), l1 ratios [0.1, 0.5, 0.9].</summary>
        public Options()
            : base(Defaults.OuterFolds, StackingData.LogSpace(-5, 1, 13), StackingData.LogSpace(-5, -1, 9), [0.1, 0.5, 0.9])
        {
        }

        /// <summary>A deep copy.</summary>
        /// <returns>The copy.</returns>
        public Options Clone() => CloneAs<Options>();
    }

    private readonly Options _options;

    /// <summary>Creates the combiner with a validated copy of the options.</summary>
    /// <param name="options">Settings; null for defaults.</param>
    public RegularizedLogisticMetaLearningCombiner(Options? options = null)
    {
        _options = (options ?? new Options()).Clone();
        _options.Validate();
    }

    /// <inheritdoc/>
    public override string Name => "Regularized logistic meta-learning";

    /// <inheritdoc/>
    public override StackingModel Fit(PredictionMatrix predictions, IReadOnlyList<double> label)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var y = StackingData.CheckLabel(label, predictions.Rows);
        if (y.Any(v => v is not (0.0 or 1.0)))
        {
            throw new ArgumentException("Binary stacking needs labels 0 or 1 (false/true).", nameof(label));
        }

        if (y.All(v => v == y[0]))
        {
            throw new ArgumentException("The label has a single class; binary stacking needs both classes.", nameof(label));
        }

        int n = predictions.Rows;
        if (n < _options.OuterFolds * _options.InnerFolds)
        {
            throw new ArgumentException($"Stacking needs at least {_options.OuterFolds * _options.InnerFolds} rows; got {n}.", nameof(predictions));
        }

        var watch = Stopwatch.StartNew();
        var report = _options.UseRedundancyProjection ? new RedundancyProjector(_options.Redundancy).Fit(predictions, y) : null;
        var selected = report?.Kept.ToArray() ?? Enumerable.Range(0, predictions.Count).ToArray();
        var kept = predictions.Select(selected);
        var columns = _options.UseMetaFeatures ? MetaFeatures.Augment(kept) : kept.Columns.ToArray();
        int p = columns.Length;
        var rows = new double[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new double[p];
            for (int j = 0; j < p; j++)
            {
                rows[i][j] = columns[j][i];
            }
        }

        var outer = StackingData.ShuffledFolds(n, _options.OuterFolds, _options.Seed);
        var inner = StackingData.ShuffledFolds(n, _options.InnerFolds, _options.Seed + 1);
        var components = new List<(string Name, Linear.LinearModel Model, double Alpha, double L1, double LogLoss)>();
        var outOfFold = new List<double[]>();
        foreach (var kind in new[] { MetaModelKinds.Ridge, MetaModelKinds.Lasso, MetaModelKinds.ElasticNet })
        {
            if ((_options.MetaModels & kind) == 0)
            {
                continue;
            }

            double[] alphas = kind == MetaModelKinds.Ridge ? _options.RidgeAlphas : _options.LassoAlphas;
            double[] ratios = kind switch { MetaModelKinds.Ridge => [0.0], MetaModelKinds.Lasso => [1.0], _ => _options.L1Ratios };
            double oofLoss = 0;
            var oofProbability = new double[n];
            for (int f = 0; f < _options.OuterFolds; f++)
            {
                int fold = f;
                var trainIdx = Enumerable.Range(0, n).Where(i => outer[i] != fold).ToArray();
                var (model, _, _) = FitCv(rows, y, trainIdx, inner, alphas, ratios);
                for (int i = 0; i < n; i++)
                {
                    if (outer[i] == fold)
                    {
                        double eta = model.Predict(rows[i]);
                        oofLoss += LogisticElasticNet.LogLoss(y[i], eta);
                        oofProbability[i] = StackingModel.Sigmoid(eta);
                    }
                }
            }

            var (final, alpha, ratio) = FitCv(rows, y, Enumerable.Range(0, n).ToArray(), inner, alphas, ratios);
            components.Add((kind.ToString(), final, alpha, ratio, oofLoss / n));
            outOfFold.Add(oofProbability);
        }

        double total = components.Sum(c => 1.0 / Math.Max(c.LogLoss, 1e-300));
        double blendedLoss = 0;
        for (int i = 0; i < n; i++)
        {
            double probability = 0;
            for (int m = 0; m < components.Count; m++)
            {
                probability += 1.0 / Math.Max(components[m].LogLoss, 1e-300) / total * outOfFold[m][i];
            }

            probability = Math.Clamp(probability, 1e-15, 1 - 1e-15);
            blendedLoss -= (y[i] * Math.Log(probability) + (1 - y[i]) * Math.Log(1 - probability)) / n;
        }

        return new StackingModel(predictions.Names, selected, _options.UseMetaFeatures,
            components.Select(c => new StackingComponent(c.Name, 1.0 / Math.Max(c.LogLoss, 1e-300) / total, c.Model, c.Alpha, c.L1, c.LogLoss)).ToArray(),
            StackingLink.Logistic)
        {
            Diagnostics = new StackingDiagnostics(report, watch.Elapsed) { OutOfFoldError = blendedLoss },
        };
    }

    /// <summary>Standardizes on the training rows, picks (alpha, l1 ratio) by inner-fold log-loss, refits on the training rows.</summary>
    private (Linear.LinearModel Model, double Alpha, double L1Ratio) FitCv(
        double[][] rows, double[] y, int[] trainIdx, int[] inner, double[] alphas, double[] ratios)
    {
        int p = rows[0].Length;
        var mean = new double[p];
        var scale = new double[p];
        foreach (int i in trainIdx)
        {
            for (int j = 0; j < p; j++)
            {
                mean[j] += rows[i][j];
            }
        }

        for (int j = 0; j < p; j++)
        {
            mean[j] /= trainIdx.Length;
        }

        foreach (int i in trainIdx)
        {
            for (int j = 0; j < p; j++)
            {
                scale[j] += (rows[i][j] - mean[j]) * (rows[i][j] - mean[j]);
            }
        }

        for (int j = 0; j < p; j++)
        {
            double sd = Math.Sqrt(scale[j] / trainIdx.Length);
            scale[j] = sd > 1e-12 ? sd : 1.0;
        }

        double[][] Scaled(IEnumerable<int> idx) => idx.Select(i => rows[i].Select((v, j) => (v - mean[j]) / scale[j]).ToArray()).ToArray();
        var descending = alphas.OrderByDescending(a => a).ToArray();
        double bestLoss = double.PositiveInfinity, bestAlpha = descending[0], bestRatio = ratios[0];
        foreach (double ratio in ratios)
        {
            var loss = new double[descending.Length];
            for (int g = 0; g < _options.InnerFolds; g++)
            {
                int fold = g;
                var fitRows = trainIdx.Where(i => inner[i] != fold).ToArray();
                var testRows = trainIdx.Where(i => inner[i] == fold).ToArray();
                var xFit = Scaled(fitRows);
                var yFit = fitRows.Select(i => y[i]).ToArray();
                var xTest = Scaled(testRows);
                var w = new double[p];
                double b = Logit(yFit.Average());
                for (int a = 0; a < descending.Length; a++)
                {
                    LogisticElasticNet.Fit(xFit, yFit, descending[a], ratio, w, ref b);
                    for (int r = 0; r < testRows.Length; r++)
                    {
                        double eta = b;
                        for (int j = 0; j < p; j++)
                        {
                            eta += w[j] * xTest[r][j];
                        }

                        loss[a] += LogisticElasticNet.LogLoss(y[testRows[r]], eta) / trainIdx.Length;
                    }
                }
            }

            int best = Linear.LinearProblems.ArgMin(loss);
            if (loss[best] < bestLoss)
            {
                bestLoss = loss[best];
                bestAlpha = descending[best];
                bestRatio = ratio;
            }
        }

        var xAll = Scaled(trainIdx);
        var yAll = trainIdx.Select(i => y[i]).ToArray();
        var weights = new double[p];
        double intercept = Logit(yAll.Average());
        LogisticElasticNet.Fit(xAll, yAll, bestAlpha, bestRatio, weights, ref intercept, maxSteps: 100);
        var raw = new double[p];
        for (int j = 0; j < p; j++)
        {
            raw[j] = weights[j] / scale[j];
            intercept -= raw[j] * mean[j];
        }

        return (new Linear.LinearModel(raw, intercept), bestAlpha, bestRatio);
    }

    private static double Logit(double p)
    {
        p = Math.Clamp(p, 1e-6, 1 - 1e-6);
        return Math.Log(p / (1 - p));
    }
}
