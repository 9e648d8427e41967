using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>
/// A serializable, validated description of an optimizer: its name and hyperparameters. Trainers and AutoML hold a spec;
/// <see cref="Create"/> builds the live TorchSharp optimizer for a set of parameters.
/// </summary>
/// <remarks>
/// Specs are immutable records: the constructor only stores, <see cref="Validate"/> checks (so variants made with
/// <c>with</c> get the same checks), and <see cref="Create"/> validates first. The <see cref="JsonDerivedTypeAttribute"/>
/// list is the name registry used by JSON round trips (<see cref="OptimizerRegistry"/>).
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(SgdSpec), "sgd")]
[JsonDerivedType(typeof(AdamSpec), "adam")]
[JsonDerivedType(typeof(AdamWSpec), "adamw")]
[JsonDerivedType(typeof(LionSpec), "lion")]
[JsonDerivedType(typeof(AdaBeliefSpec), "adabelief")]
[JsonDerivedType(typeof(DiffGradSpec), "diffgrad")]
[JsonDerivedType(typeof(AdanSpec), "adan")]
[JsonDerivedType(typeof(AdamPSpec), "adamp")]
[JsonDerivedType(typeof(SgdPSpec), "sgdp")]
[JsonDerivedType(typeof(LambSpec), "lamb")]
[JsonDerivedType(typeof(LarsSpec), "lars")]
[JsonDerivedType(typeof(SgdSaiSpec), "sgd_sai")]
[JsonDerivedType(typeof(MuonSpec), "muon")]
[JsonDerivedType(typeof(AdaptiveMemorySgdSpec), "am_sgd")]
[JsonDerivedType(typeof(AdaptiveMemoryAdamWSpec), "am_adamw")]
[JsonDerivedType(typeof(AroSpec), "aro")]
[JsonDerivedType(typeof(CoordinateClippingSpec), "coordinate_clipping")]
[JsonDerivedType(typeof(AdaGradSpec), "adagrad")]
[JsonDerivedType(typeof(AdaGradNormSpec), "adagrad_norm")]
public abstract record OptimizerSpec
{
    /// <summary>The base learning rate the schedule multiplies.</summary>
    public abstract double LearningRate { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid hyperparameter.</summary>
    public abstract void Validate();

    /// <summary>Validates, then creates the optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to optimize (e.g. <c>module.parameters()</c>).</param>
    public abstract torch.optim.Optimizer Create(IEnumerable<Parameter> parameters);
}

/// <summary>Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay (this library's <see cref="Sgd"/>).</summary>
/// <param name="LearningRate">Step size. Default 0.01; greater than 0.</param>
/// <param name="Momentum">Momentum factor. Default 0.9; in [0, 1).</param>
/// <param name="Nesterov">Whether to use Nesterov momentum (needs <paramref name="Momentum"/> &gt; 0 and zero dampening). Default false.</param>
/// <param name="WeightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
/// <param name="Dampening">Dampening for momentum. Default 0; in [0, 1).</param>
public sealed record SgdSpec(double LearningRate = 0.01, double Momentum = 0.9, bool Nesterov = false, double WeightDecay = 0,
                             double Dampening = 0) : OptimizerSpec
{
    /// <inheritdoc />
    public override void Validate()
    {
        OptimizerChecks.Positive(LearningRate, nameof(LearningRate));
        OptimizerChecks.UnitInterval(Momentum, nameof(Momentum));
        OptimizerChecks.NonNegative(WeightDecay, nameof(WeightDecay));
        OptimizerChecks.UnitInterval(Dampening, nameof(Dampening));
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
            throw new ArgumentOutOfRangeException(nameof(Nesterov), Nesterov, "Nesterov momentum requires Momentum > 0 and Dampening = 0.");
    }

    /// <inheritdoc />
    public override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new Sgd(parameters, LearningRate, Momentum, Dampening, WeightDecay, Nesterov);
    }
}

/// <summary>Adam with L2 weight decay added to the gradient (this library's <see cref="MLExtensions.Adam"/>).</summary>
/// <param name="LearningRate">Step size. Default 1e-3; greater than 0.</param>
/// <param name="Beta1">First-moment decay. Default 0.9; in [0, 1).</param>
/// <param name="Beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
/// <param name="Epsilon">Denominator term. Default 1e-8; greater than 0.</param>
/// <param name="WeightDecay">L2 penalty. Default 0; at least 0.</param>
/// <param name="AmsGrad">Use the running maximum of the second moment. Default false.</param>
public sealed record AdamSpec(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8,
                              double WeightDecay = 0, bool AmsGrad = false) : OptimizerSpec
{
    /// <inheritdoc />
    public override void Validate() => OptimizerChecks.AdamFamily(LearningRate, Beta1, Beta2, Epsilon, WeightDecay);

    /// <inheritdoc />
    public override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new Adam(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, AmsGrad);
    }
}

/// <summary>Adam with decoupled weight decay (this library's <see cref="MLExtensions.AdamW"/>).</summary>
/// <param name="LearningRate">Step size. Default 1e-3; greater than 0.</param>
/// <param name="Beta1">First-moment decay. Default 0.9; in [0, 1).</param>
/// <param name="Beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
/// <param name="Epsilon">Denominator term. Default 1e-8; greater than 0.</param>
/// <param name="WeightDecay">Decoupled weight decay: each step multiplies weights by 1 - lr * WeightDecay. Default 0.01; at least 0.</param>
/// <param name="AmsGrad">Use the running maximum of the second moment. Default false.</param>
public sealed record AdamWSpec(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8,
                               double WeightDecay = 0.01, bool AmsGrad = false) : OptimizerSpec
{
    /// <inheritdoc />
    public override void Validate() => OptimizerChecks.AdamFamily(LearningRate, Beta1, Beta2, Epsilon, WeightDecay);

    /// <inheritdoc />
    public override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new AdamW(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, AmsGrad);
    }
}
