using System.Diagnostics;

namespace MLExtensions;

/// <summary>
/// Chooses among candidate combiners by nested out-of-fold error: for every fold, each candidate is fitted (with its own inner
/// cross-validation) on the other folds and predicts the held-out one; the candidate with the lowest RMSE over all rows is refitted
/// on all rows and returned. Only the rows given to <see cref="StackingCombiner.Fit(PredictionMatrix, IReadOnlyList{double})"/>
/// are used, never test rows. The choice and every candidate's error are in <see cref="StackingDiagnostics.Selection"/>.
/// </summary>
/// <remarks>
/// <para>Which combiner wins depends on the zoo: ridge stacking on many rows and many models, greedy selection or the best single
/// model where regularisation matters more. The default candidates are the regularized meta-learning pipeline, ridge stacking,
/// greedy ensemble selection and the best single model (regression defaults).</para>
/// <para>With a fold assignment the selection runs over those folds and each candidate gets the assignment restricted to its
/// training rows, so every cross-validation inside uses the user's folds (the meta-learning candidate then needs at least 4
/// folds). The error is the RMSE of the candidates' outputs: of the probabilities for binary classification (the root of the
/// Brier score). The returned model's <see cref="StackingDiagnostics.OutOfFoldError"/> is the chosen candidate's nested
/// out-of-fold RMSE.</para>
/// </remarks>
public sealed class SelectBestCombiner : StackingCombiner
{
    /// <summary>Settings.</summary>
    public sealed class Options
    {
        /// <summary>Default values.</summary>
        public static class Defaults
        {
            /// <summary>Folds of the selection (without a fold assignment).</summary>
            public const int Folds = 5;

            /// <summary>Seed of the fold shuffle.</summary>
            public const int Seed = 42;
        }

        /// <summary>The combiners to choose from, in order of preference on ties.</summary>
        /// <value>
        /// Default null: <see cref="RegularizedMetaLearningCombiner"/>, <see cref="RidgeStackingCombiner"/>,
        /// <see cref="GreedyEnsembleSelectionCombiner"/> and <see cref="BestSingleModelCombiner"/> with their defaults. Otherwise at
        /// least one, none null.
        /// </value>
        public StackingCombiner[]? Candidates { get; set; }

        /// <summary>Folds of the selection when no fold assignment is given.</summary>
        /// <value>Default 5. At least 2.</value>
        public int Folds { get; set; } = Defaults.Folds;

        /// <summary>Seed of the fold shuffle.</summary>
        /// <value>Default 42.</value>
        public int Seed { get; set; } = Defaults.Seed;

        /// <summary>A copy (the candidates are shared: combiners are immutable once built).</summary>
        /// <returns>The copy.</returns>
        public Options Clone() => new() { Candidates = (StackingCombiner[]?)Candidates?.Clone(), Folds = Folds, Seed = Seed };

        /// <summary>Checks the settings.</summary>
        public void Validate()
        {
            if (Candidates is not null && (Candidates.Length == 0 || Candidates.Any(c => c is null)))
            {
                throw new ArgumentException("Candidates must hold at least one combiner, none null (or be null for the defaults).", nameof(Candidates));
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(Folds, 2);
        }
    }

    private readonly Options _options;
    private readonly StackingCombiner[] _candidates;

    /// <summary>Creates the combiner with a validated copy of the options.</summary>
    /// <param name="options">Settings; null for defaults.</param>
    public SelectBestCombiner(Options? options = null)
    {
        _options = (options ?? new Options()).Clone();
        _options.Validate();
        _candidates = _options.Candidates ??
            [new RegularizedMetaLearningCombiner(), new RidgeStackingCombiner(), new GreedyEnsembleSelectionCombiner(), new BestSingleModelCombiner()];
    }

    /// <inheritdoc/>
    public override string Name => "Select best combiner (nested CV)";

    /// <inheritdoc/>
    protected override StackingModel FitCore(PredictionMatrix predictions, double[] label, int[]? folds)
    {
        var watch = Stopwatch.StartNew();
        int n = predictions.Rows;
        var assignment = folds ?? StackingData.ShuffledFolds(n, _options.Folds, _options.Seed);
        int count = StackingData.FoldCount(assignment);
        var errors = new double[_candidates.Length];
        for (int c = 0; c < _candidates.Length; c++)
        {
            var outOfFold = new double[n];
            for (int f = 0; f < count; f++)
            {
                var train = StackingData.RowsOutside(assignment, f);
                var held = Enumerable.Range(0, n).Where(i => assignment[i] == f).ToArray();
                var model = _candidates[c].Fit(
                    StackingData.Rows(predictions, train), train.Select(i => label[i]).ToArray(), folds is null ? null : train.Select(i => folds[i]).ToArray());
                var predicted = model.Predict(StackingData.Rows(predictions, held));
                for (int i = 0; i < held.Length; i++)
                {
                    outOfFold[held[i]] = predicted[i];
                }
            }

            errors[c] = StackingData.Rmse(outOfFold, label);
        }

        int chosen = 0;
        for (int c = 1; c < errors.Length; c++)
        {
            if (errors[c] < errors[chosen])
            {
                chosen = c;
            }
        }

        var final = _candidates[chosen].Fit(predictions, label, folds);
        var report = new CombinerSelectionReport(_candidates.Select(c => c.Name).ToArray(), errors, chosen);
        return new StackingModel(final.InputNames, final.SelectedInputs, final.UsesMetaFeatures, final.Components, final.Link)
        {
            Diagnostics = new StackingDiagnostics(final.Diagnostics?.Redundancy, watch.Elapsed) { OutOfFoldError = errors[chosen], Selection = report },
        };
    }
}
