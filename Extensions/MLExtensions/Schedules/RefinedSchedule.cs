namespace MLExtensions;

/// <summary>
/// A schedule refined from a previous run's gradient norms (Defazio, Cutkosky, Mehta and Mishchenko, "When, Why and How Much?
/// Adaptive Learning Rate Scheduling by Refinement"): <paramref name="Factors"/> holds one factor per step of that run, made by
/// <see cref="FromGradientNorms"/>. A run of the same length uses them step by step; a run of another length interpolates them
/// linearly over its progress.
/// </summary>
/// <param name="Factors">One factor per step, in [0, 1]; at least 2.</param>
public sealed record RefinedSchedule(double[] Factors) : LearningRateScheduleSpec
{
    /// <summary>
    /// Refines a schedule from the gradient norm of every optimizer step of a previous run of the same length: the norms are
    /// median-filtered (width 2⌊0.1·T/2⌋ + 1, the end padded by reflection), weighted w_t = G_t^−<paramref name="power"/>, and the
    /// factor of step t is w_t · Σ_{s&gt;t} w_s divided by its largest value, so the last step's factor is 0.
    /// </summary>
    /// <param name="gradientNorms">The norm of every step's gradient; at least 2, each finite and greater than 0.</param>
    /// <param name="power">2 for the ℓ2 norms of SGD-like optimizers, 1 for the ℓ1 norms of Adam-like ones (the paper's choice).</param>
    /// <exception cref="ArgumentException">Fewer than 2 norms, or a norm that is not finite and positive (named by its step).</exception>
    public static RefinedSchedule FromGradientNorms(IReadOnlyList<double> gradientNorms, double power = 2)
    {
        ArgumentNullException.ThrowIfNull(gradientNorms);
        int t = gradientNorms.Count;
        if (t < 2)
            throw new ArgumentException($"A refined schedule needs the norms of at least 2 steps; got {t}.", nameof(gradientNorms));
        for (int i = 0; i < t; i++)
        {
            if (!(gradientNorms[i] > 0 && double.IsFinite(gradientNorms[i])))
                throw new ArgumentException($"The gradient norm of step {i} is {gradientNorms[i]}; every norm must be finite and greater than 0.", nameof(gradientNorms));
        }

        if (!(power > 0 && double.IsFinite(power)))
            throw new ArgumentOutOfRangeException(nameof(power), power, "power must be a finite number greater than 0 (1 or 2 in the paper).");

        var smoothed = MedianFiltered(gradientNorms);
        var factors = new double[t];
        double tail = 0, max = 0;
        for (int i = t - 1; i >= 0; i--)
        {
            double weight = Math.Pow(smoothed[i], -power);
            factors[i] = weight * tail;
            tail += weight;
            max = Math.Max(max, factors[i]);
        }

        for (int i = 0; i < t; i++) factors[i] /= max;
        return new RefinedSchedule(factors);
    }

    /// <summary>
    /// Refines a schedule from a previous run's training history (the two-run workflow): the per-step norms every epoch recorded,
    /// ℓ2 norms with power 2 for an SGD-like optimizer, ℓ1 norms with power 1 for an Adam-like one (the paper's pairing), then
    /// <see cref="FromGradientNorms"/>. Use it for a run with the same number of steps (another length interpolates).
    /// </summary>
    /// <param name="history">The previous run's epochs, e.g. <c>model.Model.History</c>.</param>
    /// <param name="family">The optimizer family of the run to refine for (<see cref="OptimizerFamilies.Of"/>).</param>
    /// <exception cref="ArgumentException">The history holds no per-step norms (made by hand or by an older version), or a norm is not
    /// finite and positive.</exception>
    public static RefinedSchedule FromHistory(IEnumerable<EpochRecord> history, OptimizerFamily family)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (!Enum.IsDefined(family))
            throw new ArgumentOutOfRangeException(nameof(family), family, $"Allowed: {string.Join(", ", Enum.GetNames<OptimizerFamily>())}.");
        var norms = new List<double>();
        foreach (var epoch in history)
        {
            if (epoch is null) throw new ArgumentException("history holds a null entry.", nameof(history));
            var recorded = family == OptimizerFamily.SgdLike ? epoch.StepGradientNorms : epoch.StepGradientL1Norms;
            if (recorded is null || recorded.Count == 0 || recorded.Count != epoch.OptimizerSteps)
                throw new ArgumentException(
                    $"Epoch {epoch.Epoch} of the history has no per-step gradient norms ({recorded?.Count ?? 0} for {epoch.OptimizerSteps} steps); " +
                    "use the history of a model trained by this library's neural trainers.", nameof(history));
            norms.AddRange(recorded);
        }

        return FromGradientNorms(norms, family == OptimizerFamily.SgdLike ? 2 : 1);
    }

    /// <summary>Refines a schedule from a previous run's history for <paramref name="optimizer"/>'s family (see the other overload).</summary>
    public static RefinedSchedule FromHistory(IEnumerable<EpochRecord> history, OptimizerSpec optimizer) =>
        FromHistory(history, OptimizerFamilies.Of(optimizer));

    /// <summary>The paper's smoothing: a centred running median of odd width, the series' end padded by reflection (without
    /// repeating the last value) and the window clamped at the padded edges.</summary>
    private static double[] MedianFiltered(IReadOnlyList<double> g)
    {
        int t = g.Count, width = 2 * (int)(0.1 * t / 2) + 1, half = width / 2, padded = t + 2 * width;
        double Padded(int j)
        {
            j = Math.Clamp(j, 0, padded - 1);
            if (j < t) return g[j];
            int period = 2 * (t - 1), m = (j - (t - 1)) % period;
            return g[m <= t - 1 ? t - 1 - m : m - (t - 1)];
        }

        var result = new double[t];
        var window = new double[width];
        for (int i = 0; i < t; i++)
        {
            for (int k = 0; k < width; k++) window[k] = Padded(i - half + k);
            Array.Sort(window);
            result[i] = window[half];
        }

        return result;
    }

    /// <inheritdoc />
    public override double Factor(long step, long totalSteps)
    {
        int last = Factors.Length - 1;
        if (totalSteps == Factors.Length) return Factors[Math.Clamp(step, 0, last)];
        double position = Fraction(step, totalSteps) * last;
        int below = (int)Math.Floor(position);
        if (below >= last) return Factors[last];
        double share = position - below;
        return Factors[below] * (1 - share) + Factors[below + 1] * share;
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Factors is null || Factors.Length < 2)
            throw new ArgumentOutOfRangeException(nameof(Factors), "Factors needs at least 2 steps (use RefinedSchedule.FromGradientNorms).");
        foreach (double f in Factors) RequireFactor(f, nameof(Factors));
    }
}
