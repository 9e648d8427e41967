using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// The fast gradient sign method (Goodfellow et al. 2015): one step of length ε from the clean point along the sign of the
/// cross-entropy's input gradient (ℓ∞) or along the unit-length gradient (ℓ2), clipped to the input box. Deterministic.
/// </summary>
public sealed class FgsmAttack : AdversarialAttack
{
    /// <summary>Options of <see cref="FgsmAttack"/>: the threat model of <see cref="AttackOptionsBase"/>.</summary>
    public sealed class Options : AttackOptionsBase
    {
        /// <summary>A copy whose later edits do not affect this instance.</summary>
        public Options Clone() => (Options)MemberwiseClone();
    }

    /// <summary>Creates the attack from a validated copy of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the parameter name is the option's.</exception>
    public FgsmAttack(Options options) : base(ValidatedCopy(options))
    {
    }

    /// <inheritdoc />
    public override string Name => $"FGSM {ThreatName}";

    /// <inheritdoc />
    public override bool IsRandomized => false;

    private protected override Tensor PerturbCore(AttackContext c)
    {
        using var scope = NewDisposeScope();
        using var step = c.ScaledLength(Epsilon);
        var (_, _, gradient) = c.Gradient(c.Clean, c.CrossEntropy);
        return c.Project(c.Ascend(c.Clean, gradient, step)).MoveToOuterDisposeScope();
    }

    private static Options ValidatedCopy(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.Validate();
        return copy;
    }
}
