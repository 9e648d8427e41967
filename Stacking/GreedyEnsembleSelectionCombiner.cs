using System.Diagnostics;

namespace MLExtensions;

/// <summary>
/// Greedy ensemble selection with replacement (Caruana, Niculescu-Mizil, Crew &amp; Ksikes, ICML 2004): start from the N best
/// single models (sorted initialisation, N chosen on the hill-climbing set), then repeatedly add, with replacement, the model whose
/// addition gives the lowest RMSE of the averaged ensemble, breaking exact ties at random (seeded); return the prefix of the
/// selection sequence with the best RMSE. Weights are selection counts over the prefix length, so they are ≥ 0 and sum to 1.
/// Each step costs O(models) using the residual Gram matrix. The hill-climbing set is all rows given (no cross-validation), so a
/// fold assignment is only checked.
/// </summary>
public sealed class GreedyEnsembleSelectionCombiner : StackingCombiner
{
    /// <summary>Settings.</summary>
    public sealed class Options
    {
        /// <summary>Default values.</summary>
        public static class Defaults
        {
            /// <summary>Greedy additions after the initialisation.</summary>
            public const int Iterations = 100;

            /// <summary>Largest sorted initialisation tried.</summary>
            public const int MaxInitialModels = 25;

            /// <summary>Tie-breaking seed.</summary>
            public const int Seed = 42;
        }

        /// <summary>Greedy additions after the initialisation.</summary>
        /// <value>Default 100. At least 1.</value>
        public int Iterations { get; set; } = Defaults.Iterations;

        /// <summary>Sorted initialisation: the ensemble starts with the N best models, N in [1, this] chosen by RMSE of their average; 0 starts empty.</summary>
        /// <value>Default 25. At least 0.</value>
        public int MaxInitialModels { get; set; } = Defaults.MaxInitialModels;

        /// <summary>Seed for random tie-breaking.</summary>
        /// <value>Default 42.</value>
        public int Seed { get; set; } = Defaults.Seed;

        /// <summary>A copy.</summary>
        /// <returns>The copy.</returns>
        public Options Clone() => (Options)MemberwiseClone();

        /// <summary>Checks the settings.</summary>
        public void Validate()
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1);
            ArgumentOutOfRangeException.ThrowIfNegative(MaxInitialModels);
        }
    }

    private readonly Options _options;

    /// <summary>Creates the combiner with a validated copy of the options.</summary>
    /// <param name="options">Settings; null for defaults.</param>
    public GreedyEnsembleSelectionCombiner(Options? options = null)
    {
        _options = (options ?? new Options()).Clone();
        _options.Validate();
    }

    /// <inheritdoc/>
    public override string Name => "Greedy ensemble selection";

    /// <summary>
    /// The selection sequence of the last fit (model indices, initialisation first, up to the best prefix), for inspection; with
    /// fits running at once on one instance it holds one of them.
    /// </summary>
    public IReadOnlyList<int> LastSelection { get; private set; } = [];

    /// <inheritdoc/>
    protected override StackingModel FitCore(PredictionMatrix predictions, double[] label, int[]? folds)
    {
        var y = label;
        var watch = Stopwatch.StartNew();
        int k = predictions.Count, n = predictions.Rows;

        // Uncentered Gram of the residuals r_k = y - p_k: the ensemble residual is sum_k c_k r_k / N.
        var residuals = predictions.Columns.Select(c =>
        {
            var r = new double[n];
            for (int i = 0; i < n; i++)
            {
                r[i] = y[i] - c[i];
            }

            return r;
        }).ToArray();
        var g = CrossProducts.FromColumns(residuals, new double[n], new double[k], 0, new int[n], 1)[0].Xtx;

        var counts = new double[k];
        var gc = new double[k]; // G c
        double cGc = 0;
        int size = 0;
        var sequence = new List<int>();
        var losses = new List<double>();

        void Add(int m)
        {
            cGc += 2 * gc[m] + g[m * k + m];
            for (int j = 0; j < k; j++)
            {
                gc[j] += g[j * k + m];
            }

            counts[m]++;
            size++;
            sequence.Add(m);
            losses.Add(Math.Sqrt(Math.Max(cGc, 0) / ((double)size * size * n)));
        }

        var byRmse = Enumerable.Range(0, k).OrderBy(m => g[m * k + m]).ThenBy(m => m).ToArray();
        int maxInit = Math.Min(_options.MaxInitialModels, k);
        if (maxInit > 0)
        {
            // Choose N by the RMSE of the average of the N best; ties go to the smaller N.
            int bestN = 1;
            double bestLoss = double.PositiveInfinity, sum = 0;
            var partial = new double[k];
            for (int nInit = 1; nInit <= maxInit; nInit++)
            {
                int m = byRmse[nInit - 1];
                sum += 2 * partial[m] + g[m * k + m];
                for (int j = 0; j < k; j++)
                {
                    partial[j] += g[j * k + m];
                }

                double loss = sum / ((double)nInit * nInit);
                if (loss < bestLoss)
                {
                    bestLoss = loss;
                    bestN = nInit;
                }
            }

            for (int i = 0; i < bestN; i++)
            {
                Add(byRmse[i]);
            }
        }

        var random = new Random(_options.Seed);
        var ties = new List<int>();
        for (int step = 0; step < _options.Iterations; step++)
        {
            // The first candidate sets the bar; an infinite start would make every comparison below NaN or a tie.
            double best = 0;
            ties.Clear();
            double next = size + 1;
            for (int m = 0; m < k; m++)
            {
                double loss = (cGc + 2 * gc[m] + g[m * k + m]) / (next * next);
                if (ties.Count == 0 || loss < best - 1e-15 * Math.Abs(best))
                {
                    best = loss;
                    ties.Clear();
                    ties.Add(m);
                }
                else if (Math.Abs(loss - best) <= 1e-15 * Math.Abs(best))
                {
                    ties.Add(m);
                }
            }

            Add(ties.Count == 1 ? ties[0] : ties[random.Next(ties.Count)]);
        }

        int prefix = 0;
        for (int i = 1; i < losses.Count; i++)
        {
            if (losses[i] < losses[prefix])
            {
                prefix = i;
            }
        }

        var weights = new double[k];
        for (int i = 0; i <= prefix; i++)
        {
            weights[sequence[i]] += 1.0 / (prefix + 1);
        }

        LastSelection = sequence.Take(prefix + 1).ToArray();
        return new StackingModel(predictions.Names, Enumerable.Range(0, k).ToArray(), false,
            [new StackingComponent("ensemble selection", 1.0, new LinearModel(weights, 0), OutOfFoldError: losses[prefix])])
        {
            Diagnostics = new StackingDiagnostics(null, watch.Elapsed),
        };
    }
}
