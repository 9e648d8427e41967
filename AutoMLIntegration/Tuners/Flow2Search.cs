namespace MLExtensions.AutoML;

/// <summary>
/// One FLOW2 local search (Wu, Wang, Huang, "Frugal Optimization for Cost-related Hyperparameters", AAAI 2021) in
/// [0, 1]^d, written from the paper and ALGORITHMS.md E1: start at a low-cost point; propose x + δu, then x − δu for
/// a random unit direction u; a strictly better result becomes the incumbent; after 2^min(9, d) proposals around
/// the incumbent without improvement, δ shrinks by √(K_old/K); it converges when δ falls below its lower bound. With
/// integer coordinates the lower bound is the smallest step that still changes one of them at the incumbent (one integer
/// unit in feature coordinates, FLOW2's quantum) times √d; without, 1e-4·√d.
/// </summary>
internal sealed class Flow2Search
{
    /// <summary>FLAML's initial step per √d.</summary>
    public const double StepSize = 0.1;

    /// <summary>Lower bound of the step per √d.</summary>
    public const double StepLowerBound = 1e-4;

    private readonly Random _random;
    private readonly Dictionary<int, (double[] Point, double Step)> _proposals = new();
    private readonly Func<double[], string>? _configKey;
    private readonly Func<double[], double?>? _integerUnit;
    private readonly double _stepLowerBound;
    private double[]? _directionTried;
    private bool _startProposed;
    private bool _same;

    /// <summary>Creates a search of dimension <paramref name="start"/>.Length from <paramref name="start"/>.</summary>
    /// <param name="start">The low-cost start point in [0, 1]^d (copied).</param>
    /// <param name="random">The generator of the directions (owned by the calling tuner).</param>
    /// <param name="configKey">Optional: the decoded configuration of a point (to detect rounding to the incumbent).</param>
    /// <param name="stepLowerBound">The step's lower bound per √d without integer coordinates (default <see cref="StepLowerBound"/>).</param>
    /// <param name="integerUnit">Optional: the smallest integer unit, in feature coordinates, among the integer coordinates
    /// active at a point (null when none is); it replaces <paramref name="stepLowerBound"/> where it is not null.</param>
    public Flow2Search(double[] start, Random random, Func<double[], string>? configKey = null, double stepLowerBound = StepLowerBound,
        Func<double[], double?>? integerUnit = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (start.Length == 0)
        {
            throw new ArgumentException("FLOW2 needs at least one dimension.", nameof(start));
        }

        _random = random;
        _configKey = configKey;
        Dimension = start.Length;
        Incumbent = start.Select(v => Math.Clamp(v, 0, 1)).ToArray();
        StepUpperBound = Math.Sqrt(Dimension);
        Step = Math.Min(StepSize * Math.Sqrt(Dimension), StepUpperBound);
        _stepLowerBound = stepLowerBound;
        _integerUnit = integerUnit;
        DirectionPatience = 1 << Math.Min(9, Dimension);
    }

    /// <summary>d, the number of dimensions moved.</summary>
    public int Dimension { get; }

    /// <summary>The current step size δ.</summary>
    public double Step { get; private set; }

    /// <summary>√d, the largest step.</summary>
    public double StepUpperBound { get; }

    /// <summary>The step below which the search has converged: the smallest integer unit at the incumbent times √d, or
    /// 1e-4·√d without integer coordinates.</summary>
    public double StepLower => (_integerUnit?.Invoke(Incumbent) ?? _stepLowerBound) * Math.Sqrt(Dimension);

    /// <summary>2^min(9, d): proposals around one incumbent before the step shrinks.</summary>
    public int DirectionPatience { get; }

    /// <summary>The incumbent point (the start until a result arrives).</summary>
    public double[] Incumbent { get; private set; }

    /// <summary>The incumbent's loss (null before the first result).</summary>
    public double? BestLoss { get; private set; }

    /// <summary>K: the proposal count at the last step decay (0 before any).</summary>
    public int K { get; private set; }

    /// <summary>K_old: K before the last decay.</summary>
    public int OldK { get; private set; }

    /// <summary>Proposals made so far, counting the start point (FLAML's trial_count_proposed, from 1).</summary>
    public int ProposedCount { get; private set; } = 1;

    /// <summary>Results received so far, plus one (FLAML's trial_count_complete).</summary>
    public int CompletedCount { get; private set; } = 1;

    /// <summary>Proposals around the current incumbent since it became the incumbent.</summary>
    public int ProposedByIncumbent { get; private set; }

    /// <summary>Whether the search is still in its initial phase (before the first decay).</summary>
    public bool InitPhase { get; private set; } = true;

    /// <summary>Whether the step fell below <see cref="StepLower"/>.</summary>
    public bool Converged { get; private set; }

    private int _iterBestConfig = 1;

    /// <summary>Marks the start point as already evaluated with <paramref name="loss"/> (a restart from a known result).</summary>
    public void MarkStartEvaluated(double loss)
    {
        _startProposed = true;
        BestLoss = loss;
    }

    /// <summary>The next point for trial <paramref name="trialId"/>, or null when the search has converged.</summary>
    public double[]? Suggest(int trialId)
    {
        if (Converged)
        {
            return null;
        }

        if (!_startProposed)
        {
            _startProposed = true;
            _proposals[trialId] = ((double[])Incumbent.Clone(), Step);
            return (double[])Incumbent.Clone();
        }

        ProposedCount++;
        var move = (double[])Incumbent.Clone();
        if (_directionTried is not null)
        {
            for (int i = 0; i < Dimension; i++)
            {
                move[i] -= _directionTried[i];
            }

            _directionTried = null;
        }
        else
        {
            double[] u = RandomUnitVector();
            _directionTried = new double[Dimension];
            for (int i = 0; i < Dimension; i++)
            {
                _directionTried[i] = u[i] * Step;
                move[i] += _directionTried[i];
            }
        }

        for (int i = 0; i < Dimension; i++)
        {
            move[i] = Math.Clamp(move[i], 0, 1);
        }

        _proposals[trialId] = ((double[])move.Clone(), Step);
        ProposedByIncumbent++;

        if (InitPhase && _configKey is not null)
        {
            bool same = _configKey(move) == _configKey(Incumbent);
            if (_directionTried is null)
            {
                // Both directions rounded to the incumbent: the step is too small for the discrete dims.
                if (_same && same)
                {
                    Step = Math.Min(Step + StepSize, StepUpperBound);
                }
            }
            else
            {
                _same = same;
            }
        }

        if (ProposedByIncumbent == DirectionPatience)
        {
            ProposedByIncumbent -= 2;
            InitPhase = false;
            if (Step < StepLower)
            {
                Converged = true;
            }
            else
            {
                OldK = K != 0 ? K : _iterBestConfig;
                K = ProposedCount + 1;
                Step *= Math.Sqrt((double)OldK / K);
            }
        }

        return move;
    }

    /// <summary>Records the loss of trial <paramref name="trialId"/> (NaN or infinite: a failure, never an improvement).</summary>
    /// <returns>True when the result became the new incumbent.</returns>
    public bool Complete(int trialId, double loss)
    {
        if (!_proposals.Remove(trialId, out var proposal))
        {
            return false;
        }

        CompletedCount++;
        if (double.IsNaN(loss) || double.IsPositiveInfinity(loss))
        {
            return false;
        }

        if (BestLoss is null || loss < BestLoss.Value)
        {
            BestLoss = loss;
            Incumbent = proposal.Point;
            Step = proposal.Step;
            ProposedByIncumbent = 0;
            _directionTried = null;
            if (K > 0)
            {
                Step *= Math.Sqrt((double)K / OldK);
            }

            Step = Math.Min(Step, StepUpperBound);
            _iterBestConfig = CompletedCount;
            return true;
        }

        return false;
    }

    /// <summary>A direction uniform on the unit sphere of ℝ^d (normalized Gaussian vector).</summary>
    private double[] RandomUnitVector()
    {
        var v = new double[Dimension];
        double norm;
        do
        {
            double s = 0;
            for (int i = 0; i < Dimension; i++)
            {
                v[i] = Gaussian();
                s += v[i] * v[i];
            }

            norm = Math.Sqrt(s);
        }
        while (norm < 1e-12);

        for (int i = 0; i < Dimension; i++)
        {
            v[i] /= norm;
        }

        return v;
    }

    private double Gaussian()
    {
        // Box-Muller on the owned generator.
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
