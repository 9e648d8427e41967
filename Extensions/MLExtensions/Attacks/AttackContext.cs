using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// One <see cref="AdversarialAttack.Perturb"/> call's validated inputs and the operations every attack shares: the projection onto
/// the ε-ball intersected with the box, random starts, input gradients of a per-row loss, steps, and the per-row worst case.
/// </summary>
/// <remarks>Its tensors belong to the caller's dispose scope; it owns the scalars of the call.</remarks>
internal sealed class AttackContext : IDisposable
{
    private AttackContext(IDifferentiableClassifier model, Tensor clean, Tensor labels, Tensor lower, Tensor upper, double epsilon,
                          Tensor? radiusScale, AttackNorm norm, Generator? generator)
    {
        RadiusScale = radiusScale;
        Model = model;
        Clean = clean;
        Labels = labels;
        Lower = lower;
        Upper = upper;
        Epsilon = epsilon;
        Norm = norm;
        Generator = generator;
    }

    public IDifferentiableClassifier Model { get; }

    /// <summary>The clean rows [n, d], float32, detached.</summary>
    public Tensor Clean { get; }

    /// <summary>The true classes [n], int64.</summary>
    public Tensor Labels { get; }

    /// <summary>Per-row lower bounds [n, d]: the box's, widened to include the clean value.</summary>
    public Tensor Lower { get; }

    /// <summary>Per-row upper bounds [n, d]: the box's, widened to include the clean value.</summary>
    public Tensor Upper { get; }

    /// <summary>The nominal radius ε (each row's radius is ε times its <see cref="RadiusScale"/>, when one is given).</summary>
    public double Epsilon { get; }

    /// <summary>Per-row factors [n, 1] (float32, &gt; 0) of ε, the step sizes and the random start's extent; <c>null</c>: 1 for every row.</summary>
    public Tensor? RadiusScale { get; }

    public AttackNorm Norm { get; }

    public Generator? Generator { get; }

    /// <summary>The scalars of this call (see <see cref="StepScalars"/>).</summary>
    public StepScalars Sc { get; } = new();

    public long Rows => Clean.shape[0];

    public int FeatureCount => Model.FeatureCount;

    public int ClassCount => Model.ClassCount;

    /// <summary>Validates the inputs and prepares the context's tensors in the caller's dispose scope.</summary>
    /// <param name="model">The classifier under attack.</param>
    /// <param name="features">The clean rows [n, d].</param>
    /// <param name="labels">The true classes [n].</param>
    /// <param name="options">The attack's validated options.</param>
    /// <param name="generator">The random source, if the attack draws.</param>
    /// <param name="radiusScale">Optional per-row factors of ε, [n] or [n, 1], finite and &gt; 0 (the mixing network's training adversary
    /// draws one per row, as the paper does); <c>null</c> for the same ε everywhere.</param>
    public static AttackContext Create(IDifferentiableClassifier model, Tensor features, Tensor labels, AttackOptionsBase options, Generator? generator,
                                       Tensor? radiusScale = null)
    {
        int d = model.FeatureCount;
        int k = model.ClassCount;
        if (k < 2) throw new ArgumentException($"The model reports {k} classes; an attack needs a classifier with at least 2.", nameof(model));
        if (features.dim() != 2 || features.shape[1] != d)
            throw new ArgumentException(
                $"The features have shape [{string.Join(", ", features.shape)}]; the model reads [n, {d}].", nameof(features));
        if (!torch.is_floating_point(features))
            throw new ArgumentException($"The features are {features.dtype}; give float32 values.", nameof(features));
        long n = features.shape[0];
        if (labels.dim() != 1 || labels.shape[0] != n)
            throw new ArgumentException($"The labels have shape [{string.Join(", ", labels.shape)}]; expected [{n}], one class per row.", nameof(labels));
        if (torch.is_floating_point(labels) || labels.dtype == ScalarType.Bool)
            throw new ArgumentException($"The labels are {labels.dtype}; give integer class indices.", nameof(labels));
        options.InputBox?.CheckFeatureCount(d, nameof(AttackOptionsBase.InputBox));

        var clean = features.detach().to(ScalarType.Float32);
        var y = labels.detach().to(ScalarType.Int64, clean.device);
        if (n > 0)
        {
            if (!clean.isfinite().all().item<bool>())
                throw new ArgumentException("The features hold NaN or ±∞; attacks need finite inputs.", nameof(features));
            long min = y.min().item<long>(), max = y.max().item<long>();
            if (min < 0 || max >= k)
                throw new ArgumentException($"A label is {(min < 0 ? min : max)}; labels must be class indices in [0, {k - 1}].", nameof(labels));
        }
        Tensor lower, upper;
        if (options.InputBox is { } box)
        {
            var (lo, hi) = box.ToTensors(d, clean.device);
            lower = torch.minimum(lo, clean);
            upper = torch.maximum(hi, clean);
        }
        else
        {
            using var sc = new StepScalars();
            lower = torch.empty_like(clean).fill_(sc[double.NegativeInfinity]);
            upper = torch.empty_like(clean).fill_(sc[double.PositiveInfinity]);
        }
        Tensor? scale = null;
        if (radiusScale is not null)
        {
            if (radiusScale.numel() != n || radiusScale.dim() > 2 || (radiusScale.dim() == 2 && radiusScale.shape[1] != 1))
                throw new ArgumentException(
                    $"The radius scale has shape [{string.Join(", ", radiusScale.shape)}]; expected [{n}] or [{n}, 1], one factor per row.", nameof(radiusScale));
            scale = radiusScale.detach().to(ScalarType.Float32, clean.device).reshape(n, 1);
            using var zero = new StepScalars();
            if (n > 0 && !(scale.isfinite().all().item<bool>() && scale.gt(zero[0.0]).all().item<bool>()))
                throw new ArgumentException("The radius scale holds a value that is not a finite number > 0.", nameof(radiusScale));
        }
        return new AttackContext(model, clean, y, lower, upper, options.Epsilon, scale, options.Norm, generator);
    }

    /// <summary>The point of the ε-ball around the clean rows (intersected with the box) closest to <paramref name="x"/>, for ℓ∞
    /// exactly; for ℓ2 the ball projection followed by the box clip (which only shortens the perturbation, since the clean
    /// point is inside the widened box).</summary>
    public Tensor Project(Tensor x)
    {
        using var scope = NewDisposeScope();
        var delta = x.detach().sub(Clean);
        if (Norm == AttackNorm.LInfinity)
        {
            if (RadiusScale is null)
            {
                delta = delta.clamp(Sc[-Epsilon], Sc[Epsilon]);
            }
            else
            {
                var radius = RadiusScale.mul(Sc[Epsilon]);
                delta = torch.minimum(torch.maximum(delta, radius.neg()), radius);
            }
        }
        else
        {
            var length = RowNorms(delta);
            var factor = length.clamp_min(Sc[1e-12]).reciprocal().mul(Sc[Epsilon]);
            if (RadiusScale is not null) factor = factor.mul(RadiusScale);
            delta = delta.mul(factor.clamp_max(Sc.One));
        }
        var projected = torch.minimum(torch.maximum(Clean.add(delta, alpha: Sc.One), Lower), Upper);
        return projected.MoveToOuterDisposeScope();
    }

    /// <summary>A uniformly random point of the ε-ball around the clean rows (ℓ∞: a uniform cube; ℓ2: uniform in the ball), clipped
    /// to the box.</summary>
    public Tensor RandomStart()
    {
        using var scope = NewDisposeScope();
        var generator = Generator ?? throw new InvalidOperationException("A random start needs the generator.");
        var shape = Clean.shape;
        Tensor delta;
        if (Norm == AttackNorm.LInfinity)
        {
            delta = torch.rand(shape, dtype: ScalarType.Float32, device: Clean.device, generator: generator)
                .mul(Sc[2 * Epsilon]).sub(Sc[Epsilon]);
            if (RadiusScale is not null) delta = delta.mul(RadiusScale);
        }
        else
        {
            var direction = torch.randn(shape, dtype: ScalarType.Float32, device: Clean.device, generator: generator);
            direction = direction.div(RowNorms(direction).clamp_min(Sc[1e-12]));
            var radius = torch.rand([shape[0], 1], dtype: ScalarType.Float32, device: Clean.device, generator: generator)
                .pow(Sc[1.0 / shape[1]]).mul(Sc[Epsilon]);
            if (RadiusScale is not null) radius = radius.mul(RadiusScale);
            delta = direction.mul(radius);
        }
        return Project(Clean.add(delta, alpha: Sc.One)).MoveToOuterDisposeScope();
    }

    /// <summary>A length that scales with the radius (a step size, APGD's η): <paramref name="value"/> as a scalar-shaped tensor, or
    /// times each row's <see cref="RadiusScale"/> as [n, 1]. Float32, in the caller's dispose scope.</summary>
    public Tensor ScaledLength(double value)
    {
        var length = torch.tensor(value, dtype: ScalarType.Float32, device: Clean.device);
        if (RadiusScale is null) return length;
        using (length) return RadiusScale.mul(length);
    }

    /// <summary>The per-row loss at <paramref name="x"/>, the log-probabilities there (both detached) and the gradient of the sum
    /// of the losses with respect to <paramref name="x"/>; parameter gradients are left untouched.</summary>
    /// <param name="x">Rows [n, d].</param>
    /// <param name="loss">From log-probabilities [n, K] to the per-row loss [n] the attack maximizes.</param>
    public (Tensor Loss, Tensor LogProbabilities, Tensor Gradient) Gradient(Tensor x, Func<Tensor, Tensor> loss)
    {
        using var scope = NewDisposeScope();
        using var enable = torch.enable_grad();
        var input = x.detach().requires_grad_(true);
        var logp = Model.LogProbabilities(input);
        var perRow = loss(logp);
        var gradient = torch.autograd.grad([perRow.sum()], [input])[0];
        return (perRow.detach().MoveToOuterDisposeScope(), logp.detach().MoveToOuterDisposeScope(), gradient.detach().MoveToOuterDisposeScope());
    }

    /// <summary>The log-probabilities at <paramref name="x"/> without a graph.</summary>
    public Tensor LogProbabilities(Tensor x)
    {
        using var noGrad = torch.no_grad();
        return Model.LogProbabilities(x.detach());
    }

    /// <summary>The ascent direction of <paramref name="gradient"/> scaled by <paramref name="step"/> ([n, 1] or a scalar-shaped
    /// tensor): the sign for ℓ∞, the unit-length gradient for ℓ2.</summary>
    public Tensor Ascend(Tensor x, Tensor gradient, Tensor step)
    {
        using var scope = NewDisposeScope();
        var direction = Norm == AttackNorm.LInfinity
            ? gradient.sign()
            : gradient.div(RowNorms(gradient).clamp_min(Sc[1e-12]));
        return x.add(direction.mul(step), alpha: Sc.One).MoveToOuterDisposeScope();
    }

    /// <summary>Per-row cross-entropy −log p_y [n].</summary>
    public Tensor CrossEntropy(Tensor logp) => logp.gather(1, Labels.unsqueeze(1)).squeeze(1).neg();

    /// <summary>Per-row margin of the best wrong class over the true class in log-probability [n]: positive when the row is misclassified.</summary>
    public Tensor Margin(Tensor logp)
    {
        using var scope = NewDisposeScope();
        var mask = nn.functional.one_hot(Labels, ClassCount).to(ScalarType.Bool);
        var bestOther = logp.masked_fill(mask, Sc[double.NegativeInfinity]).max(1).values;
        var own = logp.gather(1, Labels.unsqueeze(1)).squeeze(1);
        return bestOther.sub(own).MoveToOuterDisposeScope();
    }

    /// <summary>ℓ2 norm of each row, [n, 1].</summary>
    public static Tensor RowNorms(Tensor x) => x.mul(x).sum(1, keepdim: true).sqrt();

    /// <inheritdoc />
    public void Dispose() => Sc.Dispose();
}
