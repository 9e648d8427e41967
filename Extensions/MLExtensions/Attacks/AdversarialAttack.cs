using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// An attack: finds, for each row, a perturbed input inside the ε-ball around it (and inside the input box) that the classifier
/// gets wrong, or failing that the worst one it found (the largest margin of the best wrong class over the true class).
/// </summary>
/// <remarks>An instance holds only its validated options; randomness comes from the generator passed to <see cref="Perturb"/>,
/// so one attack can serve concurrent callers.</remarks>
public abstract class AdversarialAttack
{
    private readonly AttackOptionsBase _options;

    /// <summary>Keeps the validated copy of the options.</summary>
    private protected AdversarialAttack(AttackOptionsBase validatedCopy) => _options = validatedCopy;

    /// <summary>The validated options this attack was built from.</summary>
    private protected AttackOptionsBase Settings => _options;

    /// <summary>The radius of the perturbation ball.</summary>
    public double Epsilon => _options.Epsilon;

    /// <summary>The norm of the perturbation ball.</summary>
    public AttackNorm Norm => _options.Norm;

    /// <summary>The valid input range, or <c>null</c> for unbounded.</summary>
    public InputBox? InputBox => _options.InputBox;

    /// <summary>A short name for reports, such as <c>PGD-20 L∞ ε=0.1</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Whether <see cref="Perturb"/> draws random numbers (and so needs a generator).</summary>
    public abstract bool IsRandomized { get; }

    /// <summary>Perturbs every row of <paramref name="features"/> against <paramref name="model"/>.</summary>
    /// <param name="model">The classifier to attack.</param>
    /// <param name="features">Clean float32 features [n, model.FeatureCount], finite, on the model's device.</param>
    /// <param name="labels">The true class of each row, [n], integer, in [0, model.ClassCount).</param>
    /// <param name="generator">The random source of random starts (on the features' device); required when <see cref="IsRandomized"/>.</param>
    /// <returns>New float32 features [n, model.FeatureCount], owned by the caller: within ε of the clean rows in <see cref="Norm"/>, and
    /// inside the input box (see <see cref="MLExtensions.InputBox"/> for clean values outside it).</returns>
    /// <exception cref="ArgumentException">The shapes do not match the model, a feature is not finite, a label is out of range, the
    /// box does not fit the feature count, or a randomized attack got no generator.</exception>
    public Tensor Perturb(IDifferentiableClassifier model, Tensor features, Tensor labels, Generator? generator = null) =>
        PerturbWithRadii(model, features, labels, generator, radiusScale: null);

    /// <summary><see cref="Perturb(IDifferentiableClassifier, Tensor, Tensor, Generator?)"/> with a radius of its own for each row:
    /// row i stays within ε·<paramref name="radiusScale"/>[i], and the step sizes (and APGD's initial step) scale with it.</summary>
    /// <param name="model">The classifier to attack.</param>
    /// <param name="features">Clean float32 features [n, model.FeatureCount].</param>
    /// <param name="labels">The true class of each row, [n].</param>
    /// <param name="generator">The random source; required when <see cref="IsRandomized"/>.</param>
    /// <param name="radiusScale">Per-row factors of ε, [n] or [n, 1], finite and greater than 0; <c>null</c> for ε everywhere.</param>
    internal Tensor PerturbWithRadii(IDifferentiableClassifier model, Tensor features, Tensor labels, Generator? generator, Tensor? radiusScale)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (IsRandomized && generator is null)
            throw new ArgumentNullException(nameof(generator), $"{Name} starts at random points: pass a seeded generator (new torch.Generator(seed)).");
        using var scope = NewDisposeScope();
        using var context = AttackContext.Create(model, features, labels, _options, generator, radiusScale);
        return PerturbCore(context).MoveToOuterDisposeScope();
    }

    /// <summary>The attack itself, on validated inputs; returns a tensor of the current dispose scope.</summary>
    private protected abstract Tensor PerturbCore(AttackContext context);

    /// <summary>ε in a name: the shortest round-trip form.</summary>
    private protected string ThreatName => $"{(Norm == AttackNorm.LInfinity ? "L∞" : "L2")} ε={Epsilon:G4}";
}
