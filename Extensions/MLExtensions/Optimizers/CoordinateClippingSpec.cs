using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>
/// Spec of <see cref="CoordinateClipping"/>: coordinate-wise clipping of another optimizer's update (or gradient). Composes with
/// any spec whose optimizer derives from <see cref="OptimizerHelper"/> (all of this library's and TorchSharp's built-ins).
/// </summary>
/// <param name="Inner">The optimizer to wrap. Default (null) <see cref="AdamWSpec"/> with its defaults.</param>
/// <param name="Fraction">Fraction c of coordinates clipped. Default 0.01; in [0, 1].</param>
/// <param name="ThresholdScale">Factor s on the threshold. Default 1; greater than 0.</param>
/// <param name="Global">One threshold over all tensors (true) or one per tensor (false). Default true.</param>
/// <param name="Target">Clip the update or the gradient. Default <see cref="ClippingTarget.Update"/>.</param>
public sealed record CoordinateClippingSpec(OptimizerSpec? Inner = null, double Fraction = 0.01, double ThresholdScale = 1, bool Global = true,
                                            ClippingTarget Target = ClippingTarget.Update) : OptimizerSpec
{
    /// <summary>The wrapped spec (<see cref="Inner"/>, or AdamW with its defaults).</summary>
    [JsonIgnore]
    public OptimizerSpec EffectiveInner => Inner ?? new AdamWSpec();

    /// <summary>The inner optimizer's learning rate; setting it sets the inner spec's.</summary>
    [JsonIgnore]
    public override double LearningRate
    {
        get => EffectiveInner.LearningRate;
        init => Inner = EffectiveInner with { LearningRate = value };
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Inner is CoordinateClippingSpec)
            throw new ArgumentOutOfRangeException(nameof(Inner), "Coordinate clipping cannot wrap itself.");
        EffectiveInner.Validate();
        OptimizerChecks.ClosedUnitInterval(Fraction, nameof(Fraction));
        OptimizerChecks.Positive(ThresholdScale, nameof(ThresholdScale));
        if (!Enum.IsDefined(Target))
            throw new ArgumentOutOfRangeException(nameof(Target), Target, "Unknown clipping target.");
    }

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new CoordinateClipping(EffectiveInner.Create(parameters), Fraction, ThresholdScale, Global, Target);
    }
}
