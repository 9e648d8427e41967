namespace MLExtensions;

/// <summary>The <see cref="OptimizerFamily"/> of each registered optimizer spec.</summary>
public static class OptimizerFamilies
{
    /// <summary>The family of <paramref name="optimizer"/>.</summary>
    /// <exception cref="ArgumentException">A spec type this table does not know (name it explicitly, e.g. with <see cref="BatchSizeScaling.Linear"/>).</exception>
    public static OptimizerFamily Of(OptimizerSpec optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return optimizer switch
        {
            SgdSpec or SgdPSpec or LarsSpec or SgdSaiSpec or AdaptiveMemorySgdSpec => OptimizerFamily.SgdLike,
            AdamSpec or AdamWSpec or AdaBeliefSpec or DiffGradSpec or AdanSpec or AdamPSpec or LambSpec or LionSpec or MuonSpec or AroSpec
                or AdaptiveMemoryAdamWSpec or AdaGradSpec or AdaGradNormSpec => OptimizerFamily.AdamLike,
            CoordinateClippingSpec clipping => Of(clipping.Inner ?? new AdamWSpec()),
            _ => throw new ArgumentException(
                $"No optimizer family is known for {optimizer.GetType().Name}; choose the scaling rule (BatchSizeScaling.Linear or SquareRoot) " +
                "or the refined schedule's power explicitly.", nameof(optimizer)),
        };
    }
}
