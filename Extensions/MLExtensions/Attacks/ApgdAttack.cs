using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Auto-PGD (Croce and Hein 2020, "Reliable evaluation of adversarial robustness with an ensemble of diverse parameter-free attacks"):
/// PGD with momentum whose per-row step size starts at 2ε and is halved at checkpoints when the loss stopped rising, restarting from
/// the best point found. <see cref="ApgdLoss.CrossEntropy"/> is APGD-CE; <see cref="ApgdLoss.TargetedDlr"/> is APGD-T, run once per
/// target (the <see cref="Options.TargetCount"/> most likely wrong classes of each clean row). Each row keeps its worst point over
/// every target, restart and iterate.
/// </summary>
/// <remarks>Step k: z = P(x_k + η·dir(∇f(x_k))), x_{k+1} = P(x_k + α(z − x_k) + (1 − α)(x_k − x_{k−1})) with α = 0.75 (α = 1 on the
/// first step), where P projects onto the ε-ball and the box and dir is the sign (ℓ∞) or the unit-length gradient (ℓ2). The checkpoints
/// are wⱼ = ⌈pⱼ·N⌉ with p₀ = 0, p₁ = 0.22, pⱼ₊₁ = pⱼ + max(pⱼ − pⱼ₋₁ − 0.03, 0.06). At a checkpoint a row's step is halved, and the row
/// moved back to its best point, when fewer than 75 % of the steps since the last checkpoint raised its loss, or when its step was
/// not halved at the last checkpoint and its best loss has not risen since.</remarks>
public sealed class ApgdAttack : AdversarialAttack
{
    private const double Momentum = 0.75;
    private const double Rho = 0.75;

    /// <summary>Options of <see cref="ApgdAttack"/>; defaults are documented on each member.</summary>
    public sealed class Options : AttackOptionsBase
    {
        /// <summary>Default values of the options.</summary>
        public static new class Defaults
        {
            /// <summary>Default <see cref="Iterations"/> (AutoAttack's).</summary>
            public const int Iterations = 100;
            /// <summary>Default <see cref="Restarts"/>.</summary>
            public const int Restarts = 1;
            /// <summary>Default <see cref="TargetCount"/> (AutoAttack's).</summary>
            public const int TargetCount = 9;
        }

        /// <summary>The objective: cross-entropy (APGD-CE) or the targeted DLR loss (APGD-T).</summary>
        /// <value>Default <see cref="ApgdLoss.CrossEntropy"/>.</value>
        public ApgdLoss Loss { get; set; } = ApgdLoss.CrossEntropy;

        /// <summary>Gradient steps per run (the budget N the checkpoints are fractions of).</summary>
        /// <value>Default 100. At least 1.</value>
        public int Iterations { get; set; } = Defaults.Iterations;

        /// <summary>Runs per target (per attack for APGD-CE) from independent random starts.</summary>
        /// <value>Default 1. At least 1; more than 1 needs <see cref="RandomStart"/>.</value>
        public int Restarts { get; set; } = Defaults.Restarts;

        /// <summary>Whether each run starts at a uniformly random point of the ε-ball rather than at the clean point.</summary>
        /// <value>Default <c>true</c>. Needs a generator in <see cref="AdversarialAttack.Perturb"/>.</value>
        public bool RandomStart { get; set; } = true;

        /// <summary>For <see cref="ApgdLoss.TargetedDlr"/>, how many target classes each row is attacked towards: its most likely wrong
        /// classes at the clean input, most likely first (at most the class count − 1 are used).</summary>
        /// <value>Default 9. At least 1. Ignored by <see cref="ApgdLoss.CrossEntropy"/>.</value>
        public int TargetCount { get; set; } = Defaults.TargetCount;

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            if (!Enum.IsDefined(Loss))
                throw new ArgumentOutOfRangeException(nameof(Loss), Loss, $"Allowed: {string.Join(", ", Enum.GetNames<ApgdLoss>())}.");
            ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(Iterations));
            ArgumentOutOfRangeException.ThrowIfLessThan(Restarts, 1, nameof(Restarts));
            ArgumentOutOfRangeException.ThrowIfLessThan(TargetCount, 1, nameof(TargetCount));
            if (Restarts > 1 && !RandomStart)
                throw new ArgumentException($"Restarts is {Restarts} but RandomStart is false, so every restart would repeat the first; set RandomStart = true.",
                    nameof(Restarts));
        }

        /// <summary>A copy whose later edits do not affect this instance.</summary>
        public Options Clone() => (Options)MemberwiseClone();
    }

    private readonly Options _options;

    /// <summary>Creates the attack from a validated copy of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the parameter name is the option's.</exception>
    public ApgdAttack(Options options) : base(ValidatedCopy(options)) => _options = (Options)Settings;

    /// <summary>The objective.</summary>
    public ApgdLoss Loss => _options.Loss;

    /// <summary>Steps per run.</summary>
    public int Iterations => _options.Iterations;

    /// <summary>Runs per target.</summary>
    public int Restarts => _options.Restarts;

    /// <summary>Whether runs start at random points of the ball.</summary>
    public bool RandomStart => _options.RandomStart;

    /// <summary>Target classes per row (APGD-T).</summary>
    public int TargetCount => _options.TargetCount;

    /// <inheritdoc />
    public override string Name =>
        $"APGD-{(Loss == ApgdLoss.CrossEntropy ? "CE" : $"T({TargetCount})")}-{Iterations}{(Restarts > 1 ? $"×{Restarts}" : "")} {ThreatName}";

    /// <inheritdoc />
    public override bool IsRandomized => RandomStart;

    /// <summary>The iterations at which the step size may be halved: ⌈pⱼ·N⌉ for the pⱼ of the paper, each at most N − 1.</summary>
    internal static IReadOnlyList<int> Checkpoints(int iterations)
    {
        var result = new List<int>();
        double previous = 0, current = 0.22;
        while (current <= 1)
        {
            int w = (int)Math.Ceiling(current * iterations);
            if (w >= iterations) break;
            if (w > 0 && (result.Count == 0 || w > result[^1])) result.Add(w);
            double next = current + Math.Max(current - previous - 0.03, 0.06);
            previous = current;
            current = next;
        }
        return result;
    }

    private protected override Tensor PerturbCore(AttackContext c)
    {
        using var tracker = new WorstCaseTracker(c);
        if (Loss == ApgdLoss.CrossEntropy)
        {
            for (int restart = 0; restart < Restarts; restart++) Run(c, tracker, c.CrossEntropy);
            return tracker.TakeBest();
        }

        int targets = Math.Min(TargetCount, c.ClassCount - 1);
        using var order = WrongClassesByLikelihood(c);
        for (int t = 0; t < targets; t++)
        {
            using var target = order.select(1, t).contiguous();
            for (int restart = 0; restart < Restarts; restart++) Run(c, tracker, logp => TargetedDlr(c, logp, target));
        }
        return tracker.TakeBest();
    }

    /// <summary>One APGD run; every evaluated point goes to <paramref name="tracker"/>.</summary>
    private void Run(AttackContext c, WorstCaseTracker tracker, Func<Tensor, Tensor> loss)
    {
        var checkpoints = Checkpoints(Iterations);
        var sc = c.Sc;
        using var scope = NewDisposeScope();
        var eta = c.RadiusScale is null
            ? torch.full([c.Rows, 1], sc[2 * Epsilon], dtype: ScalarType.Float32, device: c.Clean.device)
            : c.RadiusScale.mul(sc[2 * Epsilon]);
        var x = RandomStart ? c.RandomStart() : c.Clean.clone();
        var xPrevious = x.clone();
        var (lossValue, logp, gradient) = c.Gradient(x, loss);
        tracker.Update(x, logp);
        var lossBest = lossValue.clone();
        var xBest = x.clone();
        var gradientBest = gradient.clone();
        var lossPrevious = lossValue;
        var successes = torch.zeros([c.Rows], dtype: ScalarType.Float32, device: c.Clean.device);
        var reducedAtLastCheckpoint = torch.zeros([c.Rows], dtype: ScalarType.Bool, device: c.Clean.device);
        var lossBestAtLastCheckpoint = lossBest.clone();
        int lastCheckpoint = 0, nextCheckpoint = 0;

        for (int k = 0; k < Iterations; k++)
        {
            using var iteration = NewDisposeScope();
            // The step from x_k (momentum from the step before it, none on the first).
            var z = c.Project(c.Ascend(x, gradient, eta));
            var next = k == 0
                ? z
                : c.Project(x.add(z.sub(x).mul(sc[Momentum]), alpha: sc.One).add(x.sub(xPrevious).mul(sc[1 - Momentum]), alpha: sc.One));
            var (nextLoss, nextLogp, nextGradient) = c.Gradient(next, loss);
            tracker.Update(next, nextLogp);

            var rose = nextLoss.gt(lossPrevious);
            var improved = nextLoss.gt(lossBest);
            var improvedRows = improved.unsqueeze(1);
            Replace(ref successes, successes.add(rose.to(ScalarType.Float32), alpha: sc.One));
            Replace(ref xBest, torch.where(improvedRows, next, xBest));
            Replace(ref gradientBest, torch.where(improvedRows, nextGradient, gradientBest));
            Replace(ref lossBest, torch.where(improved, nextLoss, lossBest));
            Replace(ref xPrevious, x);
            x = next.MoveToOuterDisposeScope();
            gradient = Swap(gradient, nextGradient);
            lossPrevious = Swap(lossPrevious, nextLoss);

            int iterationNumber = k + 1;
            if (nextCheckpoint < checkpoints.Count && iterationNumber == checkpoints[nextCheckpoint])
            {
                int span = iterationNumber - lastCheckpoint;
                var oscillating = successes.lt(sc[Rho * span]);
                var stalled = reducedAtLastCheckpoint.logical_not().logical_and(lossBestAtLastCheckpoint.ge(lossBest));
                var reduce = oscillating.logical_or(stalled);
                var reduceRows = reduce.unsqueeze(1);
                Replace(ref eta, torch.where(reduceRows, eta.mul(sc[0.5]), eta));
                x = Swap(x, torch.where(reduceRows, xBest, x));
                gradient = Swap(gradient, torch.where(reduceRows, gradientBest, gradient));
                Replace(ref reducedAtLastCheckpoint, reduce);
                Replace(ref lossBestAtLastCheckpoint, lossBest.clone());
                Replace(ref successes, torch.zeros_like(successes));
                lastCheckpoint = iterationNumber;
                nextCheckpoint++;
            }
        }
    }

    /// <summary>Moves <paramref name="value"/> to the enclosing scope and frees <paramref name="field"/>'s old tensor.</summary>
    private static void Replace(ref Tensor field, Tensor value)
    {
        var kept = value.MoveToOuterDisposeScope();
        if (!ReferenceEquals(kept, field)) field.Dispose();
        field = kept;
    }

    private static Tensor Swap(Tensor old, Tensor value)
    {
        var kept = value.MoveToOuterDisposeScope();
        old.Dispose();
        return kept;
    }

    /// <summary>Per row, the classes other than the label, most likely first at the clean input: [n, K − 1].</summary>
    private static Tensor WrongClassesByLikelihood(AttackContext c)
    {
        using var scope = NewDisposeScope();
        using var logp = c.LogProbabilities(c.Clean);
        var mask = nn.functional.one_hot(c.Labels, c.ClassCount).to(ScalarType.Bool);
        var order = logp.masked_fill(mask, c.Sc[double.NegativeInfinity]).argsort(1, descending: true);
        return order.narrow(1, 0, c.ClassCount - 1).MoveToOuterDisposeScope();
    }

    /// <summary>The targeted DLR loss −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12) per row; with 3 classes the denominator is
    /// z_π1 − z_π3 + 1e-12, with 2 it is 1 (the plain margin). Computed on log-probabilities, which differ from the logits by a per-row
    /// shift that the ratio ignores.</summary>
    internal static Tensor TargetedDlr(AttackContext c, Tensor logp, Tensor target)
    {
        using var scope = NewDisposeScope();
        var sc = c.Sc;
        var own = logp.gather(1, c.Labels.unsqueeze(1)).squeeze(1);
        var other = logp.gather(1, target.unsqueeze(1)).squeeze(1);
        var numerator = own.sub(other);
        Tensor result;
        if (c.ClassCount == 2)
        {
            result = numerator.neg();
        }
        else
        {
            var sorted = logp.sort(1, descending: true).Values;
            var tail = c.ClassCount >= 4
                ? sorted.select(1, 2).add(sorted.select(1, 3), alpha: sc.One).mul(sc[0.5])
                : sorted.select(1, 2);
            var denominator = sorted.select(1, 0).sub(tail).add(sc[1e-12], alpha: sc.One);
            result = numerator.div(denominator).neg();
        }
        return result.MoveToOuterDisposeScope();
    }

    private static Options ValidatedCopy(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.Validate();
        return copy;
    }
}
