using System.Diagnostics;

namespace MLExtensions;

/// <summary>
/// The binary-classification variant of <see cref="RegularizedMetaLearningCombiner"/>: redundancy projection of the base
/// probabilities (residuals y − p by default), the six meta-features over the probabilities, L2-, L1- and elastic-net-regularized
/// logistic meta-models (standardization fitted on training folds only, alpha and l1 ratio chosen by inner K-fold log-loss),
/// out-of-fold meta-probabilities from an outer K-fold, and a blend of the meta-models' probabilities with weights ∝ 1/log-loss.
/// A fold assignment serves as outer and inner folds, as in <see cref="RegularizedMetaLearningCombiner"/>.
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
    protected override StackingModel FitCore(PredictionMatrix predictions, double[] label, int[]? folds)
    {
        var y = label;
        if (y.Any(v => v is not (0.0 or 1.0)))
        {
            throw new ArgumentException("Binary stacking needs labels 0 or 1 (false/true).", nameof(label));
        }

        if (y.All(v => v == y[0]))
        {
            throw new ArgumentException("The label has a single class; binary stacking needs both classes.", nameof(label));
        }

        int n = predictions.Rows;
        var (outer, outerCount, inner, innerCount) = StackingData.NestedFolds(n, folds, _options.OuterFolds, _options.InnerFolds, _options.Seed, Name);

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

        var components = new List<(string Name, LinearModel Model, double Alpha, double L1, double LogLoss)>();
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
            for (int f = 0; f < outerCount; f++)
            {
                int fold = f;
                var trainIdx = Enumerable.Range(0, n).Where(i => outer[i] != fold).ToArray();
                var model = LogisticElasticNetCV.Fit(rows, y, trainIdx, inner, innerCount, alphas, ratios).Model;
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

            var (final, alpha, ratio, _) = LogisticElasticNetCV.Fit(rows, y, Enumerable.Range(0, n).ToArray(), inner, innerCount, alphas, ratios);
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
}
