using System.Diagnostics;

namespace MLExtensions;

/// <summary>
/// Classic ridge stacking: a ridge regression on all (standardized) base predictions, its alpha chosen by shuffled K-fold
/// cross-validation (mean fold MSE) over a log grid, refitted on all rows. No de-duplication, no meta-features. With a fold
/// assignment the alpha search runs over those folds instead (<see cref="Options.Folds"/> and <see cref="Options.Seed"/> are then not used).
/// </summary>
public sealed class RidgeStackingCombiner : StackingCombiner
{
    /// <summary>Settings.</summary>
    public sealed class Options
    {
        /// <summary>Default values.</summary>
        public static class Defaults
        {
            /// <summary>Folds of the alpha search.</summary>
            public const int Folds = 5;

            /// <summary>Seed of the fold shuffle.</summary>
            public const int Seed = 42;
        }

        /// <summary>Candidate ridge strengths.</summary>
        /// <value>Default logspace(-3, 5, 50). Each at least 0.</value>
        public double[] Alphas { get; set; } = StackingData.LogSpace(-3, 5, 50);

        /// <summary>Folds of the alpha search.</summary>
        /// <value>Default 5. At least 2.</value>
        public int Folds { get; set; } = Defaults.Folds;

        /// <summary>Seed of the fold shuffle.</summary>
        /// <value>Default 42.</value>
        public int Seed { get; set; } = Defaults.Seed;

        /// <summary>A deep copy.</summary>
        /// <returns>The copy.</returns>
        public Options Clone() => new() { Alphas = (double[])Alphas.Clone(), Folds = Folds, Seed = Seed };

        /// <summary>Checks the settings.</summary>
        public void Validate()
        {
            StackingData.CheckGrid(Alphas, nameof(Alphas), unitInterval: false);
            ArgumentOutOfRangeException.ThrowIfLessThan(Folds, 2);
        }
    }

    private readonly Options _options;

    /// <summary>Creates the combiner with a validated copy of the options.</summary>
    /// <param name="options">Settings; null for defaults.</param>
    public RidgeStackingCombiner(Options? options = null)
    {
        _options = (options ?? new Options()).Clone();
        _options.Validate();
    }

    /// <inheritdoc/>
    public override string Name => "Ridge stacking";

    /// <inheritdoc/>
    protected override StackingModel FitCore(PredictionMatrix predictions, double[] label, int[]? folds)
    {
        var y = label;
        var watch = Stopwatch.StartNew();
        var assignment = folds ?? StackingData.ShuffledFolds(predictions.Rows, _options.Folds, _options.Seed);
        int count = folds is null ? _options.Folds : StackingData.FoldCount(folds);
        var design = new MetaDesign(predictions.Columns, y, assignment, count, new int[predictions.Rows], 1);
        var (model, alpha) = design.FitRidgeCv(design.AllRows, _options.Alphas);
        return new StackingModel(predictions.Names, Enumerable.Range(0, predictions.Count).ToArray(), false, [new StackingComponent("Ridge", 1.0, model, alpha)])
        {
            Diagnostics = new StackingDiagnostics(null, watch.Elapsed),
        };
    }
}
