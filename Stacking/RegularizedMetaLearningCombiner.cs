using System.Diagnostics;

namespace MLExtensions;

/// <summary>
/// "Regularized Meta-Learning for Improved Generalization" (Mohammad &amp; Meherab, arXiv 2602.12469, 2026): redundancy-aware
/// projection of the base predictions (<see cref="RedundancyProjector"/>), six statistical meta-features
/// (<see cref="MetaFeatures"/>), Ridge, Lasso and ElasticNet meta-models with standardization fitted on training folds only and
/// alpha (and l1 ratio) chosen by inner K-fold cross-validation, out-of-fold meta-predictions from an outer shuffled K-fold, and
/// an inverse-RMSE blend of the meta-models. The final meta-models are refitted on all rows with their own inner CV.
/// With a fold assignment (<see cref="StackingCombiner.Fit(PredictionMatrix, IReadOnlyList{double}, IReadOnlyList{int})"/>) its folds
/// are the outer folds and, within each outer training set, the inner folds (at least 3 folds; <see cref="MetaLearningOptionsBase.OuterFolds"/>,
/// <see cref="MetaLearningOptionsBase.InnerFolds"/> and <see cref="MetaLearningOptionsBase.Seed"/> are then not used).
/// </summary>
/// <remarks>
/// <para>All solvers work on Gram matrices of the meta design: one pass over the rows computes X^T X per (outer fold, inner fold)
/// block; every (outer, inner) training problem is a sum of blocks, and coordinate descent is warm-started along each alpha path
/// from the largest alpha down.</para>
/// <para>Differences from the reference code: the thresholds of the projection are relative to Var(y) by default and correlate
/// residuals by default (see <see cref="RedundancyProjector.Options"/>); the inner folds are a seeded shuffle (the code's inner
/// Lasso/ElasticNet CV is unshuffled); RidgeCV uses the same inner K-fold with MSE instead of leave-one-out. As in the paper, the
/// projection and the blend weights use the target on all rows, so the reported out-of-fold RMSEs are slightly optimistic.</para>
/// </remarks>
public sealed class RegularizedMetaLearningCombiner : StackingCombiner
{
    /// <summary>Settings.</summary>
    public sealed class Options : MetaLearningOptionsBase
    {
        /// <summary>Default values.</summary>
        public static class Defaults
        {
            /// <summary>Outer folds for out-of-fold meta-predictions (the paper's 10).</summary>
            public const int OuterFolds = 10;

            /// <summary>Inner folds for the alpha search (the paper's 3).</summary>
            public const int InnerFolds = 3;

            /// <summary>Seed of the fold shuffles (the paper's 42).</summary>
            public const int Seed = 42;

            /// <summary>Coordinate-descent sweeps per alpha (the paper's max_iter=1e4).</summary>
            public const int MaxIterations = 10_000;

            /// <summary>Coordinate-descent tolerance (scikit-learn's tol).</summary>
            public const double Tolerance = 1e-4;
        }

        /// <summary>Options with the paper's defaults: 10 outer folds, Ridge alphas logspace(-3, 5, 50), Lasso/ElasticNet alphas
        /// logspace(-5, 1, 30), l1 ratios [0.1, 0.5, 0.7, 0.9, 0.95, 0.99, 1].</summary>
        public Options()
            : base(Defaults.OuterFolds, StackingData.LogSpace(-3, 5, 50), StackingData.LogSpace(-5, 1, 30), [0.1, 0.5, 0.7, 0.9, 0.95, 0.99, 1.0])
        {
        }

        /// <summary>How Lasso and ElasticNet meta-models are solved.</summary>
        /// <value>
        /// Default <see cref="ElasticNetSolver.ActiveSet"/> (exact). <see cref="ElasticNetSolver.CoordinateDescent"/> reproduces
        /// scikit-learn's iterates and stopping rule with <see cref="MaxIterations"/> and <see cref="Tolerance"/>, but on highly
        /// correlated meta-features many alphas run into the sweep limit (about 100 times slower here).
        /// </value>
        public ElasticNetSolver Solver { get; set; } = ElasticNetSolver.ActiveSet;

        /// <summary>Coordinate-descent sweeps per alpha.</summary>
        /// <value>Default 10000. At least 1.</value>
        public int MaxIterations { get; set; } = Defaults.MaxIterations;

        /// <summary>Coordinate-descent duality-gap tolerance, relative to ||y − mean(y)||².</summary>
        /// <value>Default 1e-4. Greater than 0.</value>
        public double Tolerance { get; set; } = Defaults.Tolerance;

        /// <summary>A deep copy.</summary>
        /// <returns>The copy.</returns>
        public Options Clone() => CloneAs<Options>();

        /// <summary>Checks the settings.</summary>
        public override void Validate()
        {
            base.Validate();
            ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1);
            if (!Enum.IsDefined(Solver))
            {
                throw new ArgumentOutOfRangeException(nameof(Solver), Solver, "must be CoordinateDescent or ActiveSet.");
            }

            if (!(Tolerance > 0))
            {
                throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "must be > 0.");
            }
        }
    }

    private readonly Options _options;

    /// <summary>Creates the combiner with a validated copy of the options.</summary>
    /// <param name="options">Settings; null for defaults.</param>
    public RegularizedMetaLearningCombiner(Options? options = null)
    {
        _options = (options ?? new Options()).Clone();
        _options.Validate();
    }

    /// <inheritdoc/>
    public override string Name => "Regularized meta-learning";

    /// <inheritdoc/>
    protected override StackingModel FitCore(PredictionMatrix predictions, double[] label, int[]? folds)
    {
        var y = label;
        var watch = Stopwatch.StartNew();
        int n = predictions.Rows;
        var (outer, outerCount, inner, innerCount) = StackingData.NestedFolds(n, folds, _options.OuterFolds, _options.InnerFolds, _options.Seed, Name);

        var report = _options.UseRedundancyProjection ? new RedundancyProjector(_options.Redundancy).Fit(predictions, y) : null;
        var selected = report?.Kept.ToArray() ?? Enumerable.Range(0, predictions.Count).ToArray();
        var kept = predictions.Select(selected);
        var columns = _options.UseMetaFeatures ? MetaFeatures.Augment(kept) : kept.Columns.ToArray();

        var design = new MetaDesign(columns, y, inner, innerCount, outer, outerCount);

        var fitted = new List<(string Name, LinearModel Model, double Alpha, double? L1, double Rmse)>();
        var outOfFold = new List<double[]>();
        foreach (var kind in new[] { MetaModelKinds.Ridge, MetaModelKinds.Lasso, MetaModelKinds.ElasticNet })
        {
            if ((_options.MetaModels & kind) == 0)
            {
                continue;
            }

            var oof = new double[n];
            for (int f = 0; f < outerCount; f++)
            {
                design.PredictFold(f, FitOne(design, kind, f).Model, oof);
            }

            var final = FitOne(design, kind, design.AllRows);
            fitted.Add((kind.ToString(), final.Model, final.Alpha, final.L1, StackingData.Rmse(oof, y)));
            outOfFold.Add(oof);
        }

        double totalInverse = fitted.Sum(m => 1.0 / Math.Max(m.Rmse, 1e-300));
        var components = fitted.Select(m => new StackingComponent(
            m.Name, 1.0 / Math.Max(m.Rmse, 1e-300) / totalInverse, m.Model, m.Alpha, m.L1, m.Rmse)).ToArray();
        var blended = new double[n];
        for (int m = 0; m < components.Length; m++)
        {
            for (int i = 0; i < n; i++)
            {
                blended[i] += components[m].BlendWeight * outOfFold[m][i];
            }
        }

        return new StackingModel(predictions.Names, selected, _options.UseMetaFeatures, components)
        {
            Diagnostics = new StackingDiagnostics(report, watch.Elapsed) { OutOfFoldError = StackingData.Rmse(blended, y) },
        };
    }

    private (LinearModel Model, double Alpha, double? L1) FitOne(MetaDesign design, MetaModelKinds kind, int excludedOuter)
    {
        switch (kind)
        {
            case MetaModelKinds.Ridge:
                var ridge = design.FitRidgeCv(excludedOuter, _options.RidgeAlphas);
                return (ridge.Model, ridge.Alpha, null);
            case MetaModelKinds.Lasso:
                var lasso = design.FitElasticNetCv(excludedOuter, _options.LassoAlphas, [1.0], _options.MaxIterations, _options.Tolerance, _options.Solver);
                return (lasso.Model, lasso.Alpha, 1.0);
            default:
                var enet = design.FitElasticNetCv(excludedOuter, _options.LassoAlphas, _options.L1Ratios, _options.MaxIterations, _options.Tolerance, _options.Solver);
                return (enet.Model, enet.Alpha, enet.L1Ratio);
        }
    }
}
