using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>
/// Width transfer of learning rate and weight decay (Fan et al. 2025, "Robust Layerwise Scaling Rules by Proper Weight Decay
/// Tuning", arXiv 2510.15262; ALGORITHMS.md D6): settings tuned at <see cref="BaseWidth"/> are reused at another width d by giving
/// matrix parameters (ndim ≥ 2) the rate <c>η·BaseWidth/d</c> and the decoupled decay <c>λ·√(d/BaseWidth)</c>, and vector
/// parameters (biases, gains) the rate η unchanged and decay 0.
/// </summary>
/// <remarks>
/// The rule was derived for AdamW (<c>p ← p(1−ηλ)</c>): its steady-state top singular value ∝ √(η/λ)·d^0.75 stays width-invariant
/// iff η ∝ 1/d and λ ∝ √d. It is applied to the optimizer's own <c>WeightDecay</c> option, whatever that option means for the
/// optimizer (L2 for Adam and SGD), and to every matrix the same way (input and output layers included). The trainer option
/// <c>NeuralNetworkOptionsBase.WeightDecay</c> (the loop's extra decay) is not scaled. With equal widths nothing changes but the
/// vectors' decay.
/// </remarks>
/// <param name="BaseWidth">The width the hyperparameters were tuned at (an MLP's widest hidden layer). At least 1.</param>
public sealed record WidthTransferSpec(int BaseWidth)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when <see cref="BaseWidth"/> is below 1.</summary>
    public void Validate()
    {
        if (BaseWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(BaseWidth), BaseWidth, "BaseWidth must be at least 1 (the width the settings were tuned at).");
    }

    /// <summary>The factor on the matrix parameters' learning rate at <paramref name="width"/>: <c>BaseWidth / width</c>.</summary>
    /// <param name="width">The model's width; at least 1.</param>
    public double LearningRateMultiplier(int width)
    {
        Validate();
        CheckWidth(width);
        return (double)BaseWidth / width;
    }

    /// <summary>The factor on the matrix parameters' weight decay at <paramref name="width"/>: <c>√(width / BaseWidth)</c>.</summary>
    /// <param name="width">The model's width; at least 1.</param>
    public double WeightDecayMultiplier(int width)
    {
        Validate();
        CheckWidth(width);
        return Math.Sqrt((double)width / BaseWidth);
    }

    /// <summary>
    /// Creates the optimizer <paramref name="optimizer"/> describes over <paramref name="parameters"/>, with each of its parameter
    /// groups split into matrices (rate × <see cref="LearningRateMultiplier"/>, decay × <see cref="WeightDecayMultiplier"/>) and
    /// vectors (rate unchanged, decay 0). Works from a plain TorchSharp loop; schedules then multiply each group's own rate.
    /// </summary>
    /// <param name="optimizer">Any registered spec whose optimizer derives from this library's optimizers (a
    /// <see cref="CoordinateClippingSpec"/> is split through its inner optimizer).</param>
    /// <param name="parameters">The model's parameters.</param>
    /// <param name="width">The model's width; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BaseWidth"/> or <paramref name="width"/> is below 1, or the spec is invalid.</exception>
    public OptimizerHelper CreateOptimizer(OptimizerSpec optimizer, IEnumerable<Parameter> parameters, int width)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(parameters);
        double lrFactor = LearningRateMultiplier(width), wdFactor = WeightDecayMultiplier(width);
        var created = optimizer.Create(parameters);
        try
        {
            var target = created is CoordinateClipping clipping ? clipping.Inner : created;
            if (target is not IGroupSplitting splitting)
                throw new ArgumentException($"Width transfer needs one of this library's optimizers; {optimizer.GetType().Name} created {target.GetType().Name}.", nameof(optimizer));
            splitting.SplitGroups(p => p.dim() >= 2,
                o =>
                {
                    o.LearningRate *= lrFactor;
                    SetWeightDecay(o, WeightDecayOf(o) * wdFactor);
                },
                o => SetWeightDecay(o, 0));
            return created;
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }

    private static PropertyInfo WeightDecayProperty(OptimizerOptionsBase options) =>
        options.GetType().GetProperty("WeightDecay", typeof(double?))
        ?? throw new ArgumentException($"{options.GetType().FullName} has no WeightDecay option, so width transfer cannot scale it.", "optimizer");

    private static double WeightDecayOf(OptimizerOptionsBase options) => (double?)WeightDecayProperty(options).GetValue(options) ?? 0;

    private static void SetWeightDecay(OptimizerOptionsBase options, double value) => WeightDecayProperty(options).SetValue(options, value);

    private static void CheckWidth(int width)
    {
        if (width < 1)
            throw new ArgumentOutOfRangeException(nameof(width), width, "The width must be at least 1.");
    }
}
