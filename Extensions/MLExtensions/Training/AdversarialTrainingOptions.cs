namespace MLExtensions;

/// <summary>
/// PGD adversarial training (Madry et al. 2018) for the neural binary and multiclass classifiers: every training batch is replaced by
/// its PGD-attacked copy before the optimizer step. The attack runs with the network in evaluation mode (no dropout, batch norm on
/// its running statistics, so the attacked batch does not move them) and its gradients reach only the inputs; the step then trains
/// on the attacked batch in training mode. Set it as <c>Options.AdversarialTraining</c>; the fitted model keeps a copy (with the
/// box used) in <see cref="NeuralNetworkModelParameters.AdversarialTraining"/>.
/// </summary>
/// <remarks>Each step costs about <see cref="Iterations"/> + 1 forward and backward passes instead of one.</remarks>
public sealed class AdversarialTrainingOptions
{
    /// <summary>Default values of the options.</summary>
    public static class Defaults
    {
        /// <summary>Default <see cref="Epsilon"/> (Fashion-MNIST's budget in [0, 1] pixel units).</summary>
        public const double Epsilon = 0.1;
        /// <summary>Default <see cref="Iterations"/>.</summary>
        public const int Iterations = 10;
    }

    /// <summary>The radius of the perturbation ball, in the units of the feature column.</summary>
    /// <value>Default 0.1. Finite and greater than 0.</value>
    public double Epsilon { get; set; } = Defaults.Epsilon;

    /// <summary>The norm of the ball.</summary>
    /// <value>Default <see cref="AttackNorm.LInfinity"/>.</value>
    public AttackNorm Norm { get; set; } = AttackNorm.LInfinity;

    /// <summary>PGD steps per batch.</summary>
    /// <value>Default 10. At least 1.</value>
    public int Iterations { get; set; } = Defaults.Iterations;

    /// <summary>The PGD step length.</summary>
    /// <value>Default <c>null</c>: 2.5 · ε / <see cref="Iterations"/>. Finite and greater than 0 when set.</value>
    public double? StepSize { get; set; }

    /// <summary>Whether each attack starts at a random point of the ε-ball (drawn from the run's seeded generator).</summary>
    /// <value>Default <c>true</c>.</value>
    public bool RandomStart { get; set; } = true;

    /// <summary>The valid feature range the attacked rows are clipped to.</summary>
    /// <value>Default <c>null</c>: the per-feature minimum and maximum of the training rows. Use <see cref="InputBox.Unbounded"/> for none.</value>
    public InputBox? InputBox { get; set; }

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> (or <see cref="ArgumentOutOfRangeException"/>) naming it.</summary>
    public void Validate() => CreateAttackOptions(InputBox).Validate();

    /// <summary>A copy whose later edits do not affect this instance.</summary>
    public AdversarialTrainingOptions Clone() => (AdversarialTrainingOptions)MemberwiseClone();

    /// <summary>The PGD attack of a batch, clipping to <paramref name="box"/>.</summary>
    internal PgdAttack CreateAttack(InputBox? box) => new(CreateAttackOptions(box));

    private PgdAttack.Options CreateAttackOptions(InputBox? box) => new()
    {
        Epsilon = Epsilon, Norm = Norm, Iterations = Iterations, StepSize = StepSize, RandomStart = RandomStart, Restarts = 1, InputBox = box,
    };
}
