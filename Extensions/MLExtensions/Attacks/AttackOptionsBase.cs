namespace MLExtensions;

/// <summary>What every attack's options share: the threat model (the ε-ball of a norm) and the valid input box.</summary>
public abstract class AttackOptionsBase
{
    /// <summary>Default values of the options.</summary>
    public static class Defaults
    {
        /// <summary>Default <see cref="Epsilon"/> (Fashion-MNIST's budget in [0, 1] pixel units).</summary>
        public const double Epsilon = 0.1;
    }

    /// <summary>The radius of the ball the perturbation stays in, in the units of the classifier's features.</summary>
    /// <value>Default 0.1. Finite and greater than 0.</value>
    public double Epsilon { get; set; } = Defaults.Epsilon;

    /// <summary>The norm of the ball.</summary>
    /// <value>Default <see cref="AttackNorm.LInfinity"/>.</value>
    public AttackNorm Norm { get; set; } = AttackNorm.LInfinity;

    /// <summary>The valid range of the features; perturbed features are clipped to it.</summary>
    /// <value>Default <c>null</c>: unbounded. For images use <c>InputBox.Uniform(0, 1)</c>; <see cref="InputBox.FromData"/> learns it
    /// from the training data.</value>
    public InputBox? InputBox { get; set; }

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> (or <see cref="ArgumentOutOfRangeException"/>) naming it.</summary>
    public virtual void Validate()
    {
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon))
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "Epsilon must be a finite number > 0 (the radius of the perturbation ball).");
        if (!Enum.IsDefined(Norm))
            throw new ArgumentOutOfRangeException(nameof(Norm), Norm, $"Allowed: {string.Join(", ", Enum.GetNames<AttackNorm>())}.");
    }
}
