namespace MLExtensions.AutoML;

/// <summary>
/// Options of <see cref="TpeTuner"/>. The defaults are Optuna 3.1's <c>TPESampler</c> defaults (univariate, independent
/// sampling per dimension).
/// </summary>
public sealed class TpeOptions
{
    /// <summary>Seed of the tuner's own random generator. Default: 0.</summary>
    public int Seed { get; set; }

    /// <summary>Trials sampled uniformly at random before the Parzen estimators are used. Default: 10.</summary>
    public int NumberOfStartupTrials { get; set; } = 10;

    /// <summary>Candidates drawn from l(x) per dimension; the one with the largest log l(x) − log g(x) wins. Default: 24.</summary>
    public int NumberOfEiCandidates { get; set; } = 24;

    /// <summary>How many of n finished trials go "below" (the good group). Default: <see cref="DefaultGamma"/>, min(⌈0.1 n⌉, 25).</summary>
    public Func<int, int> Gamma { get; set; } = DefaultGamma;

    /// <summary>The weights of n observations, oldest first. Default: <see cref="DefaultWeights"/>.</summary>
    public Func<int, double[]> Weights { get; set; } = DefaultWeights;

    /// <summary>Whether each mixture has a prior kernel (centre of the range, width the range). Default: true.</summary>
    public bool ConsiderPrior { get; set; } = true;

    /// <summary>Weight of the prior kernel before normalization. Default: 1.</summary>
    public double PriorWeight { get; set; } = 1.0;

    /// <summary>Clip kernel widths to at least range/min(100, 1 + number of kernels) ("magic clip"). Default: true.</summary>
    public bool ConsiderMagicClip { get; set; } = true;

    /// <summary>Use the range's ends as neighbours of the outermost kernels when choosing their widths. Default: false.</summary>
    public bool ConsiderEndpoints { get; set; }

    /// <summary>
    /// Treat trials that are still running as the worst observations (Optuna's <c>constant_liar</c>), so that trials running
    /// side by side are not proposed at the same promising point: this tuner's own proposals until their result arrives, and,
    /// in an experiment on a shared trial storage, the other workers' running trials. Default: false (Optuna's default).
    /// </summary>
    public bool ConstantLiar { get; set; }

    /// <summary>Optuna's default γ(n) = min(⌈0.1 n⌉, 25).</summary>
    public static int DefaultGamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

    /// <summary>
    /// Optuna's default weights: n ones when n &lt; 25; otherwise a linear ramp from 1/n to 1 over the oldest n − 25
    /// observations followed by 25 ones.
    /// </summary>
    public static double[] DefaultWeights(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var w = new double[n];
        if (n < 25)
        {
            Array.Fill(w, 1.0);
            return w;
        }

        int rampLength = n - 25;
        for (int i = 0; i < rampLength; i++)
        {
            // numpy.linspace(1/n, 1, num=rampLength)
            w[i] = rampLength == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (rampLength - 1);
        }

        for (int i = rampLength; i < n; i++)
        {
            w[i] = 1.0;
        }

        return w;
    }

    /// <summary>Throws when an option is out of range, naming it.</summary>
    internal void Validate()
    {
        if (NumberOfStartupTrials < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(NumberOfStartupTrials), NumberOfStartupTrials, "TpeOptions.NumberOfStartupTrials must be >= 0.");
        }

        if (NumberOfEiCandidates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NumberOfEiCandidates), NumberOfEiCandidates, "TpeOptions.NumberOfEiCandidates must be >= 1.");
        }

        if (!(PriorWeight > 0) || double.IsInfinity(PriorWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(PriorWeight), PriorWeight, "TpeOptions.PriorWeight must be a finite number > 0.");
        }

        ArgumentNullException.ThrowIfNull(Gamma, nameof(Gamma));
        ArgumentNullException.ThrowIfNull(Weights, nameof(Weights));
    }
}
