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
    public abstract OptimizerHelper Create(IEnumerable<Parameter> parameters);
}
