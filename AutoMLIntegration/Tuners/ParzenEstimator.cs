namespace MLExtensions.AutoML;

/// <summary>
/// Optuna 3.1's univariate Parzen estimator (<c>_ParzenEstimator</c> with <c>multivariate=False</c>): a weighted mixture
/// of one kernel per observation plus an optional prior kernel. Numeric kernels are Gaussians truncated to [low, high]
/// whose widths are the larger gap to the sorted neighbours (the prior's centre counts as a neighbour), clipped to
/// [range/min(100, 1 + kernels), range]; the prior kernel is N((low+high)/2, range). Categorical kernels put
/// prior_weight/(n+1) on every choice plus 1 on the observed one.
/// </summary>
/// <remarks>
/// The tuners use it in the [0, 1] feature coordinates of the search space. Optuna works in the value domain (the log
/// of log-scaled parameters); the map between the two is affine for continuous options, and the estimator is
/// affine-equivariant (centres, widths and clip bounds scale together; Optuna 3.1's kernel log-density, mirrored here,
/// depends only on standardized values), so the log-densities and the chosen candidate are the same. Integer options
/// are treated as continuous in [0, 1] (Optuna uses a discretized kernel there).
/// </remarks>
internal sealed class ParzenEstimator
{
    private readonly double[] _cumulativeWeights;
    private readonly double[]? _logMass;
    private readonly double[] _logWeights;

    private ParzenEstimator(double[] weights, double low, double high, double[]? mus, double[]? sigmas, double[][]? categoricalWeights)
    {
        Weights = weights;
        Low = low;
        High = high;
        Mus = mus;
        Sigmas = sigmas;
        CategoricalWeights = categoricalWeights;
        _cumulativeWeights = Cumulative(weights);
        _logWeights = weights.Select(w => Math.Log(w)).ToArray();
        if (mus is not null && sigmas is not null)
        {
            // The truncation mass of each kernel does not depend on x: computed once.
            _logMass = new double[mus.Length];
            for (int k = 0; k < mus.Length; k++)
            {
                _logMass[k] = TruncatedNormal.LogMass((low - mus[k]) / sigmas[k], (high - mus[k]) / sigmas[k]);
            }
        }
    }

    /// <summary>The normalized component weights (the prior's last when present).</summary>
    public double[] Weights { get; }

    /// <summary>Lower bound of a numeric estimator.</summary>
    public double Low { get; }

    /// <summary>Upper bound of a numeric estimator.</summary>
    public double High { get; }

    /// <summary>Kernel centres of a numeric estimator (null for a categorical one).</summary>
    public double[]? Mus { get; }

    /// <summary>Kernel widths of a numeric estimator (null for a categorical one).</summary>
    public double[]? Sigmas { get; }

    /// <summary>Per-component choice probabilities of a categorical estimator (null for a numeric one).</summary>
    public double[][]? CategoricalWeights { get; }

    /// <summary>Builds the numeric mixture of <paramref name="observations"/> (oldest first) on [low, high].</summary>
    public static ParzenEstimator Numeric(IReadOnlyList<double> observations, double low, double high, TpeOptions options)
    {
        if (!(low < high))
        {
            throw new ArgumentException($"The range [{low}, {high}] is empty.", nameof(low));
        }

        int n = observations.Count;
        bool considerPrior = options.ConsiderPrior || n == 0;
        double[] weights = ComputeWeights(n, considerPrior, options);
        int m = considerPrior ? n + 1 : n;
        var mus = new double[m];
        for (int i = 0; i < n; i++)
        {
            mus[i] = observations[i];
        }

        if (considerPrior)
        {
            mus[n] = 0.5 * (low + high);
        }

        // Widths: the larger gap to the sorted neighbours, with low/high as outer neighbours.
        int[] order = Enumerable.Range(0, m).OrderBy(i => mus[i]).ThenBy(i => i).ToArray();
        var sorted = new double[m + 2];
        sorted[0] = low;
        for (int i = 0; i < m; i++)
        {
            sorted[i + 1] = mus[order[i]];
        }

        sorted[m + 1] = high;
        var sortedSigmas = new double[m];
        for (int i = 0; i < m; i++)
        {
            sortedSigmas[i] = Math.Max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
        }

        if (!options.ConsiderEndpoints && m + 2 >= 4)
        {
            sortedSigmas[0] = sorted[2] - sorted[1];
            sortedSigmas[m - 1] = sorted[m] - sorted[m - 1];
        }

        var sigmas = new double[m];
        for (int i = 0; i < m; i++)
        {
            sigmas[order[i]] = sortedSigmas[i];
        }

        double maxSigma = high - low;
        double minSigma = options.ConsiderMagicClip ? (high - low) / Math.Min(100.0, 1.0 + m) : 1e-12;
        for (int i = 0; i < m; i++)
        {
            sigmas[i] = Math.Clamp(sigmas[i], minSigma, maxSigma);
        }

        if (considerPrior)
        {
            sigmas[n] = high - low;
        }

        return new ParzenEstimator(weights, low, high, mus, sigmas, null);
    }

    /// <summary>Builds the categorical mixture of <paramref name="observations"/> (choice indices, oldest first) over <paramref name="choiceCount"/> choices.</summary>
    public static ParzenEstimator Categorical(IReadOnlyList<int> observations, int choiceCount, TpeOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(choiceCount, 1);
        int n = observations.Count;
        bool considerPrior = options.ConsiderPrior || n == 0;
        double[] weights = ComputeWeights(n, considerPrior, options);
        int m = considerPrior ? n + 1 : n;
        double value = considerPrior ? options.PriorWeight / (n + 1) : options.PriorWeight / n;
        var table = new double[m][];
        for (int i = 0; i < m; i++)
        {
            table[i] = new double[choiceCount];
            Array.Fill(table[i], value);
            if (i < n)
            {
                int c = observations[i];
                if (c < 0 || c >= choiceCount)
                {
                    throw new ArgumentOutOfRangeException(nameof(observations), c, $"A choice index must be in [0, {choiceCount}).");
                }

                table[i][c] += 1;
            }

            double s = table[i].Sum();
            for (int j = 0; j < choiceCount; j++)
            {
                table[i][j] /= s;
            }
        }

        return new ParzenEstimator(weights, 0, choiceCount, null, null, table);
    }

    /// <summary>Whether this is a categorical mixture.</summary>
    public bool IsCategorical => CategoricalWeights is not null;

    /// <summary>Draws <paramref name="size"/> samples (choice indices as doubles for a categorical mixture).</summary>
    public double[] Sample(Random random, int size)
    {
        var samples = new double[size];
        for (int s = 0; s < size; s++)
        {
            int k = Pick(_cumulativeWeights, random.NextDouble());
            if (CategoricalWeights is not null)
            {
                samples[s] = Pick(Cumulative(CategoricalWeights[k]), random.NextDouble());
            }
            else
            {
                samples[s] = TruncatedNormal.Quantile(random.NextDouble(), Mus![k], Sigmas![k], Low, High);
            }
        }

        return samples;
    }

    /// <summary>
    /// log of the mixture's density as Optuna 3.1 scores it (or the probability, for a categorical mixture) at
    /// <paramref name="x"/>. Each kernel contributes log φ(z) − log(Φ(b) − Φ(a)) in standardized units, without the
    /// −log σ of a true density, as <c>optuna/samplers/_tpe/_truncnorm.py logpdf</c> does in 3.1.0. Mirrored on purpose:
    /// it decides Optuna 3.1's candidate, and it makes the score invariant under the affine map to [0, 1].
    /// </summary>
    public double LogPdf(double x)
    {
        if (CategoricalWeights is not null)
        {
            int c = (int)x;
            double p = 0;
            for (int k = 0; k < Weights.Length; k++)
            {
                p += Weights[k] * CategoricalWeights[k][c];
            }

            return Math.Log(p);
        }

        // log Σ_k w_k N_trunc(x; μ_k, σ_k), by log-sum-exp.
        if (x < Low || x > High)
        {
            return double.NegativeInfinity;
        }

        var terms = new double[Weights.Length];
        double max = double.NegativeInfinity;
        for (int k = 0; k < Weights.Length; k++)
        {
            double z = (x - Mus![k]) / Sigmas![k];
            terms[k] = _logWeights[k] + TruncatedNormal.LogPdf(z) - _logMass![k];
            max = Math.Max(max, terms[k]);
        }

        if (double.IsNegativeInfinity(max))
        {
            return max;
        }

        double sum = 0;
        foreach (double t in terms)
        {
            sum += Math.Exp(t - max);
        }

        return max + Math.Log(sum);
    }

    private static double[] ComputeWeights(int n, bool considerPrior, TpeOptions options)
    {
        double[] w = n == 0 ? [] : options.Weights(n);
        if (w.Length < n)
        {
            throw new InvalidOperationException($"TpeOptions.Weights returned {w.Length} weights for {n} observations.");
        }

        for (int i = 0; i < n; i++)
        {
            if (!(w[i] >= 0) || double.IsInfinity(w[i]))
            {
                throw new InvalidOperationException($"TpeOptions.Weights returned {w[i]} for {n} observations; weights must be finite and >= 0.");
            }
        }

        var weights = new double[considerPrior ? n + 1 : n];
        Array.Copy(w, weights, n);
        if (considerPrior)
        {
            weights[n] = options.PriorWeight;
        }

        double sum = weights.Sum();
        if (!(sum > 0))
        {
            throw new InvalidOperationException($"TpeOptions.Weights returned only zeros for {n} observations.");
        }

        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] /= sum;
        }

        return weights;
    }

    private static double[] Cumulative(double[] p)
    {
        var c = new double[p.Length];
        double s = 0;
        for (int i = 0; i < p.Length; i++)
        {
            s += p[i];
            c[i] = s;
        }

        return c;
    }

    private static int Pick(double[] cumulative, double u)
    {
        double total = cumulative[^1];
        for (int i = 0; i < cumulative.Length; i++)
        {
            if (u * total < cumulative[i])
            {
                return i;
            }
        }

        return cumulative.Length - 1;
    }
}
