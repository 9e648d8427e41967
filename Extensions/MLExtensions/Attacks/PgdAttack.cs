using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Projected gradient descent (Madry et al. 2018) on the cross-entropy, in ℓ∞ (signed steps) or ℓ2 (unit-length gradient steps):
/// from the clean point or a random point of the ε-ball, <see cref="Options.Iterations"/> steps of size
/// <see cref="Options.StepSize"/>, each projected back onto the ball and the input box. With restarts, each row keeps its worst
/// point over every restart and iterate.
/// </summary>
public sealed class PgdAttack : AdversarialAttack
{
    /// <summary>Options of <see cref="PgdAttack"/>; defaults are documented on each member.</summary>
    public sealed class Options : AttackOptionsBase
    {
        /// <summary>Default values of the options.</summary>
        public static new class Defaults
        {
            /// <summary>Default <see cref="Iterations"/>.</summary>
            public const int Iterations = 20;
            /// <summary>Default <see cref="Restarts"/>.</summary>
            public const int Restarts = 1;
            /// <summary>The default step size is this factor × ε / <see cref="Iterations"/>.</summary>
            public const double StepSizeFactor = 2.5;
        }

        /// <summary>Gradient steps per restart.</summary>
        /// <value>Default 20. At least 1.</value>
        public int Iterations { get; set; } = Defaults.Iterations;

        /// <summary>The length of each step (ℓ∞: every feature moves by it; ℓ2: the step's Euclidean length).</summary>
        /// <value>Default <c>null</c>: 2.5 · ε / <see cref="Iterations"/> (Madry et al.). Finite and greater than 0 when set.</value>
        public double? StepSize { get; set; }

        /// <summary>Runs from independent random starts; each row keeps the worst point of all of them.</summary>
        /// <value>Default 1. At least 1; more than 1 needs <see cref="RandomStart"/>.</value>
        public int Restarts { get; set; } = Defaults.Restarts;

        /// <summary>Whether each run starts at a uniformly random point of the ε-ball rather than at the clean point.</summary>
        /// <value>Default <c>true</c>. Needs a generator in <see cref="AdversarialAttack.Perturb"/>.</value>
        public bool RandomStart { get; set; } = true;

        /// <summary>The step size used: <see cref="StepSize"/> or its default.</summary>
        public double EffectiveStepSize => StepSize ?? Defaults.StepSizeFactor * Epsilon / Iterations;

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(Iterations));
            ArgumentOutOfRangeException.ThrowIfLessThan(Restarts, 1, nameof(Restarts));
            if (StepSize is { } step && (!(step > 0) || double.IsInfinity(step)))
                throw new ArgumentOutOfRangeException(nameof(StepSize), step, "StepSize must be a finite number > 0, or null for 2.5·Epsilon/Iterations.");
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
    public PgdAttack(Options options) : base(ValidatedCopy(options)) => _options = (Options)Settings;

    /// <summary>Steps per restart.</summary>
    public int Iterations => _options.Iterations;

    /// <summary>The step size used.</summary>
    public double StepSize => _options.EffectiveStepSize;

    /// <summary>Runs from random starts.</summary>
    public int Restarts => _options.Restarts;

    /// <summary>Whether runs start at random points of the ball.</summary>
    public bool RandomStart => _options.RandomStart;

    /// <inheritdoc />
    public override string Name => $"PGD-{Iterations}{(Restarts > 1 ? $"×{Restarts}" : "")} {ThreatName}";

    /// <inheritdoc />
    public override bool IsRandomized => RandomStart;

    private protected override Tensor PerturbCore(AttackContext c)
    {
        using var tracker = new WorstCaseTracker(c);
        using var step = c.ScaledLength(StepSize);
        for (int restart = 0; restart < Restarts; restart++)
        {
            var x = RandomStart ? c.RandomStart() : c.Clean.clone();
            for (int t = 0; t < Iterations; t++)
            {
                using var scope = NewDisposeScope();
                var (_, logp, gradient) = c.Gradient(x, c.CrossEntropy);
                tracker.Update(x, logp);
                var next = c.Project(c.Ascend(x, gradient, step)).MoveToOuterDisposeScope();
                x.Dispose();
                x = next;
            }
            tracker.Evaluate(x);
            x.Dispose();
        }
        return tracker.TakeBest();
    }

    private static Options ValidatedCopy(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.Validate();
        return copy;
    }
}
